// The rendezvous messages of the gRPC transport (docs/wire-protocol.md, Register): node k tells node
// 0 its address; node 0 answers with every node's. Consumes addresses and raw replies; produces
// Buffers and decoded tables (null when malformed).

export interface Address {
  host: string;
  port: number;
}

/** Register request: u32 node, u32 port, host (utf8). Reply: u32 count, then per node u32 port, u16 length, host. */
export function encodeRegister(node: number, address: Address): Buffer {
  const host = Buffer.from(address.host, "utf8");
  const out = Buffer.alloc(8 + host.length);
  out.writeUInt32LE(node, 0);
  out.writeUInt32LE(address.port, 4);
  host.copy(out, 8);
  return out;
}

export function encodeTable(table: Address[]): Buffer {
  const parts = [Buffer.alloc(4)];
  parts[0].writeUInt32LE(table.length, 0);
  for (const entry of table) {
    const host = Buffer.from(entry.host, "utf8");
    const head = Buffer.alloc(6);
    head.writeUInt32LE(entry.port, 0);
    head.writeUInt16LE(host.length, 4);
    parts.push(head, host);
  }
  return Buffer.concat(parts);
}

export function decodeTable(buffer: Buffer, count: number): Address[] | null {
  if (buffer.length < 4 || buffer.readUInt32LE(0) !== count) return null;
  const table: Address[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (buffer.length - at < 6) return null;
    const port = buffer.readUInt32LE(at);
    const length = buffer.readUInt16LE(at + 4);
    if (buffer.length - at - 6 < length) return null;
    table.push({ host: buffer.toString("utf8", at + 6, at + 6 + length), port });
    at += 6 + length;
  }
  return table;
}
