// The grpc conduit's transport security: mutual TLS when the NodeConfig has material (files or PEM
// text), clear text otherwise. Consumes a NodeConfig; produces the server and channel credentials
// and the channel options that say which name a peer's certificate must carry.

import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { NODE_TLS_NAME, type NodeConfig } from "../../node/node-config.js";

export interface LinkSecurity {
  server: grpc.ServerCredentials;
  client: grpc.ChannelCredentials;
  /** Extra options for the channels this node dials. */
  channelOptions: grpc.ChannelOptions;
  /** True when links are mutual TLS. */
  tls: boolean;
}

/** The material as Buffers, read once: the files are read here, never again later. */
function material(config: NodeConfig): { cert: Buffer; key: Buffer; ca: Buffer } | null {
  if (config.tlsPem) {
    return { cert: Buffer.from(config.tlsPem.cert), key: Buffer.from(config.tlsPem.key), ca: Buffer.from(config.tlsPem.ca) };
  }
  if (!config.tls) return null;
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return { cert: read("certificate", config.tls.cert), key: read("key", config.tls.key), ca: read("CA certificate", config.tls.ca) };
}

/**
 * Whether this node's certificate is one pgasc made (its names include NODE_TLS_NAME). Then peers
 * are verified by that name (grpc.ssl_target_name_override) — they all share it — instead of by the
 * host dialled: the job's own CA already says who belongs to the job. Certificates from elsewhere
 * keep ordinary host-name verification.
 */
function carriesNodeName(cert: Buffer): boolean {
  try {
    const names = new X509Certificate(cert).subjectAltName ?? "";
    return names.split(/,\s*/).includes(`DNS:${NODE_TLS_NAME}`);
  } catch {
    // not a certificate: TLS itself will say so when it is used
    return false;
  }
}

export function linkSecurity(config: NodeConfig): LinkSecurity {
  const pem = material(config);
  if (!pem) {
    return { server: grpc.ServerCredentials.createInsecure(), client: grpc.credentials.createInsecure(), channelOptions: {}, tls: false };
  }
  return {
    // checkClientCertificate: a client without a certificate from the job's CA never gets a call.
    server: grpc.ServerCredentials.createSsl(pem.ca, [{ cert_chain: pem.cert, private_key: pem.key }], true),
    client: grpc.credentials.createSsl(pem.ca, pem.key, pem.cert),
    channelOptions: carriesNodeName(pem.cert) ? { "grpc.ssl_target_name_override": NODE_TLS_NAME } : {},
    tls: true,
  };
}
