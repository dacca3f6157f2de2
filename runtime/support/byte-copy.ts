// Copies between byte views when one side lies in a SharedArrayBuffer, for the node's main thread
// on the wire's paths (serving a get from a segment, landing a reply, a put landing from its
// frame), where the data is fresh from the network or long untouched. Consumes the two views;
// produces the copy. Out of cache, V8 copies shared memory (TypedArray.prototype.set, Buffer.copy)
// with relaxed atomic moves at 2.5-3.3 GB/s on this project's VMs, where a loop over Float64Array
// views of the same bytes runs at about 9 GB/s; in cache set() is the faster one (25 against 8-17
// GB/s), so copies between images' parts keep set() (docs/performance-causes.md, "Copies to and from
// shared memory"). V8 keeps every NaN's bits through the loop (test/unit/byte-copy.test.ts).
// Short copies, copies between two unshared or two shared buffers, and copies within one buffer
// (they may overlap) go through set().

/** Below this many bytes set() is as fast and makes no views. */
const LOOP_MIN_BYTES = 4096;

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
}

function copyWords(dst: Float64Array, src: Float64Array, words: number): void {
  for (let k = 0; k < words; k++) dst[k] = src[k]!;
}

/** Bytes bounced through `scratch` at a time (see copyBytes). */
const BOUNCE_BYTES = 1024 * 1024;
let scratch: Uint8Array | null = null;

/**
 * dst[dstAt .. dstAt + length) = src[srcAt .. srcAt + length), in bytes. The wire pads bulk
 * payloads onto 8 bytes on both nodes (wire.ts FRAME_LEAD); when the two sides are still aligned
 * differently (a frame joined from continued ones, another transport), the unshared side is
 * bounced through an aligned scratch buffer in pieces: a copy between ordinary buffers (fast) plus
 * an aligned loop is still about twice set()'s speed.
 */
export function copyBytes(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, length: number): void {
  const d = dst.byteOffset + dstAt;
  const s = src.byteOffset + srcAt;
  const dstShared = isShared(dst.buffer);
  const srcShared = isShared(src.buffer);
  if (length < LOOP_MIN_BYTES || dst.buffer === src.buffer || dstShared === srcShared) {
    // neither shared (set() is a memcpy), both shared, or within one buffer (may overlap)
    dst.set(src.subarray(srcAt, srcAt + length), dstAt);
  } else if (((d ^ s) & 7) === 0) {
    copyAligned(dst, dstAt, src, srcAt, length);
  } else {
    scratch ??= new Uint8Array(BOUNCE_BYTES + 8);
    for (let done = 0; done < length; done += BOUNCE_BYTES) {
      const n = Math.min(BOUNCE_BYTES, length - done);
      if (dstShared) {
        const at = (d + done) & 7;
        scratch.set(src.subarray(srcAt + done, srcAt + done + n), at);
        copyAligned(dst, dstAt + done, scratch, at, n);
      } else {
        const at = (s + done) & 7;
        copyAligned(scratch, at, src, srcAt + done, n);
        dst.set(scratch.subarray(at, at + n), dstAt + done);
      }
    }
  }
}

/** The copy for two sides aligned alike modulo 8: bytes up to an 8-byte boundary, words, the rest. */
function copyAligned(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, length: number): void {
  const d = dst.byteOffset + dstAt;
  const s = src.byteOffset + srcAt;
  const head = Math.min(length, (8 - (d & 7)) & 7);
  if (head > 0) dst.set(src.subarray(srcAt, srcAt + head), dstAt);
  const words = (length - head) >>> 3;
  if (words > 0) copyWords(new Float64Array(dst.buffer, d + head, words), new Float64Array(src.buffer, s + head, words), words);
  const done = head + words * 8;
  if (done < length) dst.set(src.subarray(srcAt + done, srcAt + length), dstAt + done);
}
