// The grpc conduit's binary framing (runtime/transport/wire.ts): every operation survives an
// encode/decode round trip, and malformed frames (bad header, unknown op, truncation, bodies of
// the wrong shape) are rejected without throwing. Also splitRect (chunking of large transfers).

import { describe, expect, it } from "vitest";
import {
  GatherKind,
  NO_IMAGE,
  Op,
  OpWriter,
  decodeAbort,
  decodeAtomic,
  decodeCtl,
  decodeGather,
  decodeGet,
  decodeI32,
  decodePut,
  decodeRect,
  decodeStopped,
  decodeU32,
  decodeValue,
  dataPayload,
  FRAME_HEADER_BYTES,
  HAND_OVER_BYTES,
  claimFrameRoom,
  frameOf,
  framesOf,
  parseFrame,
} from "../../runtime/transport/wire.js";
import { splitRect } from "../../runtime/core/layout-math.js";

const roundTrip = (write: (w: OpWriter) => void) => {
  const w = new OpWriter(8);
  write(w);
  const parsed = parseFrame(frameOf([w.take()]));
  expect(parsed.ok).toBe(true);
  return parsed.ops;
};

describe("wire round trips", () => {
  it("put, scalar put and get", () => {
    const payload = new Uint8Array(new Float64Array([1.5, -2.25, 1e300]).buffer);
    const ops = roundTrip((w) => {
      w.put(3, 8, 7, 2, 100, payload);
      w.putScalar(3, 4, 7, 2, 5, -12345);
      w.putScalar(1, 8, 9, 0, 0, Math.PI);
      w.putScalar(1, 1, 9, 0, 3, 1);
      w.get(3, 42, 8, 7, 2, 100, 3);
    });
    expect(ops.map((op) => op.op)).toEqual([Op.PUT, Op.PUT, Op.PUT, Op.PUT, Op.GET]);
    const put = decodePut(ops[0])!;
    expect(put).toMatchObject({ segment: 7, image: 2, offset: 100, count: 3 });
    expect(Array.from(new Float64Array(new Uint8Array(put.payload).buffer))).toEqual([1.5, -2.25, 1e300]);
    expect(decodePut(ops[1])!.payload.readInt32LE(0)).toBe(-12345);
    expect(decodePut(ops[2])!.payload.readDoubleLE(0)).toBe(Math.PI);
    expect(decodePut(ops[3])!.payload[0]).toBe(1);
    expect(ops[4]).toMatchObject({ requester: 3, tag: 42, sub: 8 });
    expect(decodeGet(ops[4])).toEqual({ segment: 7, image: 2, offset: 100, count: 3 });
  });

  it("sections, atomics, control words, rings", () => {
    const rect = { offset: 4, n0: 2, s0: 5, n1: 3, s1: -1 };
    const ops = roundTrip((w) => {
      w.putRect(0, 4, 1, 1, rect, new Uint8Array(24).fill(9));
      w.getRect(0, 8, 4, 1, 1, rect);
      w.atomic(2, 9, 6, 3, 1, 17, -5, 12);
      w.ctl(2, 10, 2, 1, 72, 1, 0);
      w.ring(2, 5);
      w.ringKey(2, 1030);
    });
    expect(decodeRect(ops[0], true)).toMatchObject({ segment: 1, image: 1, rect });
    expect(decodeRect(ops[1], false)!.rect).toEqual(rect);
    expect(ops[2].sub).toBe(6);
    expect(decodeAtomic(ops[2])).toEqual({ segment: 3, image: 1, index: 17, value: -5, expected: 12 });
    expect(decodeCtl(ops[3])).toEqual({ image: 1, word: 72, value: 1, expected: 0 });
    expect(decodeU32(ops[4])).toBe(5);
    expect(decodeU32(ops[5])).toBe(1030);
  });

  it("replies and job control", () => {
    const blocks = new Map<number, Uint8Array>([
      [0, new Uint8Array([1, 2, 3])],
      [2, new Uint8Array(0)],
    ]);
    const ops = roundTrip((w) => {
      w.value(4, 77, -0.5);
      w.data(4, 78, new Uint8Array([5, 6]));
      w.error(4, 79, "no such segment");
      w.putAck(4, 1000);
      w.stopped(6, 12);
      w.abort(124, -1);
      w.abortClaim(NO_IMAGE, 3, 7);
      w.gather(GatherKind.BARRIER, 41, 1, blocks);
      w.bye(true, 3);
    });
    expect(decodeValue(ops[0])).toBe(-0.5);
    expect(Array.from(ops[1].body)).toEqual([5, 6]);
    expect(ops[2].body.toString()).toBe("no such segment");
    expect(decodeU32(ops[3])).toBe(1000);
    expect(decodeStopped(ops[4])).toEqual({ image: 6, barrierEpoch: 12 });
    expect(decodeAbort(ops[5])).toEqual({ status: 124, winner: -1 });
    expect(ops[6].requester).toBe(NO_IMAGE);
    expect(decodeI32(ops[6])).toBe(7);
    const gather = decodeGather(ops[7])!;
    expect(gather).toMatchObject({ kind: GatherKind.BARRIER, seq: 41, round: 1 });
    expect([...gather.blocks.keys()]).toEqual([0, 2]);
    expect(Array.from(gather.blocks.get(0)!)).toEqual([1, 2, 3]);
    expect(ops[8].sub).toBe(1);
    expect(decodeI32(ops[8])).toBe(3);
  });

  it("a writer grows and resets", () => {
    const w = new OpWriter(1);
    for (let i = 0; i < 1000; i++) w.putScalar(0, 8, 1, 1, i, i);
    expect(w.count).toBe(1000);
    const ops = parseFrame(frameOf([w.take()])).ops;
    expect(ops).toHaveLength(1000);
    expect(decodePut(ops[999])!.payload.readDoubleLE(0)).toBe(999);
    expect(w.count).toBe(0);
    expect(w.length).toBe(0);
  });

  it("a large take() is claimed by its taker and becomes a frame in place, once; anything else is copied", () => {
    const payload = new Uint8Array(new Float64Array(20_000).map((_, i) => i * 0.5).buffer);
    const w = new OpWriter(64);
    w.put(1, 8, 2, 3, 0, payload);
    const ops = w.take();
    expect(ops.length).toBeGreaterThanOrEqual(HAND_OVER_BYTES);
    const inPlace = frameOf([ops]);
    expect(inPlace.buffer).toBe(ops.buffer);
    expect(inPlace.byteOffset).toBe(ops.byteOffset - FRAME_HEADER_BYTES);
    const copied = frameOf([ops]); // the room is used: a copy behind a header
    expect(copied.buffer).not.toBe(ops.buffer);
    expect(inPlace.equals(copied)).toBe(true);
    expect(decodePut(parseFrame(inPlace).ops[0]!)!.payload.equals(Buffer.from(payload))).toBe(true);
    // what a thread that received the buffer does: claims it again
    claimFrameRoom(ops);
    expect(frameOf([ops]).buffer).toBe(ops.buffer);
    // a small take() is a copy in Node's shared pool: a claim is ignored, nothing before it is written
    const small = new OpWriter(64);
    small.putScalar(0, 8, 1, 1, 0, 1.5);
    const pooled = small.take();
    const before = Buffer.from(Buffer.from(pooled.buffer, 0, pooled.byteOffset));
    claimFrameRoom(pooled);
    const frame = frameOf([pooled]);
    expect(frame.buffer === pooled.buffer && frame.byteOffset === pooled.byteOffset - FRAME_HEADER_BYTES).toBe(false);
    expect(Buffer.from(pooled.buffer, 0, pooled.byteOffset).equals(before)).toBe(true);
  });

  it("framesOf: each bulk part a frame of its own made in place, small parts together, none re-cut", () => {
    const bulk = () => {
      const w = new OpWriter(64);
      w.put(1, 8, 2, 3, 0, new Uint8Array(4 * 1024 * 1024).fill(9));
      return w.take();
    };
    const small = () => {
      const w = new OpWriter(64);
      w.putScalar(0, 8, 1, 1, 0, 1.5);
      return w.take();
    };
    const [a, b, c, d] = [bulk(), small(), small(), bulk()];
    const frames = framesOf([a, b, c, d]);
    expect(frames).toHaveLength(3);
    expect(frames[0]!.buffer).toBe(a.buffer);
    expect(frames[2]!.buffer).toBe(d.buffer);
    expect(parseFrame(frames[1]!).ops).toHaveLength(2);
    const ops = frames.flatMap((frame) => parseFrame(frame).ops);
    expect(ops.map((op) => op.op)).toEqual([Op.PUT, Op.PUT, Op.PUT, Op.PUT]);
    expect(decodePut(ops[3]!)!.payload.length).toBe(4 * 1024 * 1024);
    // the same bulk parts once more (their room used): copied, and still not re-cut
    const again = framesOf([a, d]);
    expect(again).toHaveLength(2);
    expect(again.every((frame) => frame.buffer !== a.buffer && frame.buffer !== d.buffer)).toBe(true);
  });
});

describe("bulk payloads start on 8 bytes (copies to and from shared memory need no bounce)", () => {
  const payload = new Uint8Array(64 * 1024).map((_, i) => (i * 7) & 0xff);
  const rect = { offset: 0, n0: 8, s0: 1024, n1: 1024, s1: 1 };
  const bulk: [string, (w: OpWriter) => void, (frame: Buffer) => Buffer][] = [
    ["PUT", (w) => w.put(1, 8, 2, 3, 0, payload), (f) => decodePut(parseFrame(f).ops.at(-1)!)!.payload],
    ["PUT_RECT", (w) => w.putRect(1, 8, 2, 3, rect, payload), (f) => decodeRect(parseFrame(f).ops.at(-1)!, true)!.payload],
    ["DATA", (w) => w.data(1, 9, payload), (f) => dataPayload(parseFrame(f).ops.at(-1)!)!],
  ];
  for (const [name, write, payloadOf] of bulk) {
    for (const before of [0, 1, 3]) {
      it(`${name} after ${before} small operations, in the sender's buffer and 5 bytes into the receiver's`, () => {
        const w = new OpWriter(64);
        for (let i = 0; i < before; i++) w.putScalar(0, 4, 1, 1, i, i);
        write(w);
        const frame = frameOf([w.take()]); // in place, in the writer's buffer
        // grpc-js hands a message over 5 bytes into a buffer of its own
        const received = Buffer.alloc(frame.length + 5).subarray(5);
        frame.copy(received);
        for (const f of [frame, received]) {
          const got = payloadOf(f);
          expect(got.byteOffset % 8).toBe(0);
          expect(got.equals(payload)).toBe(true);
        }
      });
    }
  }

  it("a small payload carries no pad; a pad of more than 7 bytes is refused", () => {
    const w = new OpWriter();
    w.data(1, 2, new Uint8Array([1, 2, 3]));
    w.put(1, 8, 2, 3, 0, new Uint8Array(8));
    const [data, put] = parseFrame(frameOf([w.take()])).ops;
    expect(data!.sub).toBe(0);
    expect(data!.body.length).toBe(3);
    expect(put!.body.length).toBe(16 + 8);
    expect(dataPayload({ ...data!, sub: 8, body: Buffer.alloc(16) })).toBeNull();
    expect(dataPayload({ ...data!, sub: 4 })).toBeNull(); // more pad than body
    expect(dataPayload(put!)).toBeNull(); // not a DATA reply
    const padded = (pad: number) => Buffer.concat([put!.body.subarray(0, 16), Buffer.alloc(pad), put!.body.subarray(16)]);
    expect(decodePut({ ...put!, body: padded(8) })).toBeNull();
    expect(decodePut({ ...put!, body: padded(7) })!.payload.equals(put!.body.subarray(16))).toBe(true);
  });
});

describe("malformed frames are rejected", () => {
  const one = () => {
    const w = new OpWriter();
    w.get(1, 2, 8, 3, 4, 5, 6);
    return w.take();
  };

  it("bad magic, bad version, empty", () => {
    expect(parseFrame(Buffer.alloc(0)).ok).toBe(false);
    expect(parseFrame(Buffer.from("GET / HTTP/1.1")).ok).toBe(false);
    const frame = frameOf([one()]);
    frame[2] = 99;
    expect(parseFrame(frame)).toMatchObject({ ok: false, message: "unsupported wire version 99" });
  });

  it("truncated header and body keep the operations before them", () => {
    const good = one();
    const full = frameOf([good, good]);
    for (let cut = full.length - 1; cut > 4 + good.length; cut--) {
      const parsed = parseFrame(full.subarray(0, cut));
      expect(parsed.ok).toBe(false);
      expect(parsed.ops).toHaveLength(1);
    }
  });

  it("unknown operations", () => {
    const bytes = one();
    bytes[0] = 200;
    expect(parseFrame(frameOf([bytes]))).toMatchObject({ ok: false, message: "unknown operation 200" });
  });

  it("bodies of the wrong shape decode to null", () => {
    const w = new OpWriter();
    w.put(0, 8, 1, 1, 0, new Uint8Array(8));
    const put = parseFrame(frameOf([w.take()])).ops[0];
    // count says 1 element of 8 bytes; claim 2^32-1 elements instead
    const lying = { ...put, body: Buffer.from(put.body) };
    lying.body.writeUInt32LE(0xffffffff, 12);
    expect(decodePut(lying)).toBeNull();
    expect(decodePut({ ...put, sub: 3 })).toBeNull();
    expect(decodeGet({ ...put })).toBeNull();
    expect(decodeAtomic({ ...put })).toBeNull();
    expect(decodeCtl({ ...put, body: Buffer.alloc(16), sub: 9 })).toBeNull();
    const negative = Buffer.alloc(28);
    negative.writeInt32LE(-3, 12);
    expect(decodeRect({ op: Op.GET_RECT, sub: 8, requester: 0, tag: 1, body: negative }, false)).toBeNull();
    const gather = Buffer.alloc(20);
    gather.writeUInt32LE(5, 8); // five blocks announced, none present
    expect(decodeGather({ op: Op.GATHER, sub: 1, requester: 0, tag: 0, body: gather })).toBeNull();
  });
});

describe("splitRect chunks transfers in (a, b) order", () => {
  const elements = (rects: { offset: number; n0: number; s0: number; n1: number; s1: number }[]) => {
    const out: number[] = [];
    for (const r of rects) for (let a = 0; a < r.n0; a++) for (let b = 0; b < r.n1; b++) out.push(r.offset + a * r.s0 + b * r.s1);
    return out;
  };
  for (const rect of [
    { offset: 3, n0: 100, s0: 1, n1: 1, s1: 0 },
    { offset: 0, n0: 10, s0: 20, n1: 7, s1: 2 },
    { offset: 5, n0: 3, s0: 100, n1: 50, s1: 1 },
  ]) {
    for (const max of [1, 6, 7, 16, 10_000]) {
      it(`${JSON.stringify(rect)} in pieces of ${max}`, () => {
        const pieces = splitRect(rect, max);
        for (const piece of pieces) expect(piece.n0 * piece.n1).toBeLessThanOrEqual(max);
        expect(elements(pieces)).toEqual(elements([rect]));
      });
    }
  }
});
