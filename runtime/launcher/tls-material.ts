// TLS material for the nodes of one job: a throwaway CA whose key is forgotten once it has signed,
// and one node certificate (named NODE_TLS_NAME) shared by every node of the job. Consumes nothing
// but randomness; produces PEM text for `pgasc run` to hand its nodes, or files for `pgasc tls-init`.

// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NODE_TLS_NAME, type TlsFiles, type TlsPem } from "../node/node-config.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** ECDSA P-256 with SHA-256: fast to make (tens of ms for both keys) and accepted by every TLS stack. */
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
/** Hosts' clocks may disagree a little: certificates are valid from an hour ago. */
const CLOCK_SKEW_MS = 3600_000;
const DAY_MS = 86_400_000;
/** Serverauth and clientAuth: every node is both (mutual TLS). */
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** The file names `pgasc tls-init` writes (docs/deployment.md). */
export const TLS_FILE_NAMES = { cert: "node.pem", key: "node-key.pem", ca: "ca.pem" } as const;

/** A positive serial number of 16 random bytes, as hex. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

function pemOf(label: string, der: ArrayBuffer): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A fresh CA and node certificate valid for `days`. The CA's private key never leaves this
 * function, so nobody can sign another certificate that the job's nodes would accept.
 */
export async function createJobTls(days: number): Promise<TlsPem> {
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(Date.now() + days * DAY_MS);
  const usages: webcrypto.KeyUsage[] = ["sign", "verify"];
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, false, usages)) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=pgasc job CA ${randomBytes(4).toString("hex")}`,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const nodeKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, usages)) as webcrypto.CryptoKeyPair;
  const node = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${NODE_TLS_NAME}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    publicKey: nodeKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: NODE_TLS_NAME }]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([SERVER_AUTH, CLIENT_AUTH]),
    ],
  });
  const key = await webcrypto.subtle.exportKey("pkcs8", nodeKeys.privateKey);
  return { cert: node.toString("pem") + "\n", key: pemOf("PRIVATE KEY", key), ca: ca.toString("pem") + "\n" };
}

export class TlsInitError extends Error {}

/**
 * Writes `pem` into `dir` (created with mode 0700 if missing): ca.pem and node.pem readable by
 * all, node-key.pem 0600. Refuses to replace an existing file: a running job may be using it.
 */
export function writeTlsDirectory(dir: string, pem: TlsPem): TlsFiles {
  const files: TlsFiles = { cert: join(dir, TLS_FILE_NAMES.cert), key: join(dir, TLS_FILE_NAMES.key), ca: join(dir, TLS_FILE_NAMES.ca) };
  for (const path of [files.ca, files.cert, files.key]) {
    if (existsSync(path)) throw new TlsInitError(`${path} already exists; not replacing it (use a new directory for each job)`);
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new TlsInitError(`${dir}: cannot create the directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const write = (path: string, text: string, mode: number) => {
    try {
      writeFileSync(path, text, { mode, flag: "wx" });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new TlsInitError(`${path} already exists; not replacing it (use a new directory for each job)`);
      throw new TlsInitError(`${path}: cannot write: ${code ?? (e as Error).message}`);
    }
  };
  write(files.key, pem.key, 0o600);
  write(files.cert, pem.cert, 0o644);
  write(files.ca, pem.ca, 0o644);
  return files;
}
