// The reply slot of an image that reaches other nodes: a small SharedArrayBuffer per image (its
// "link") where the node engine lands the answer to the one request the image waits on, and counts
// its acknowledged puts; plus the messages such an image posts to the engine. Shared by the node
// engine (runtime/node/replies.ts) and a networked image core (conduits/grpc/image-core.ts).

import type { GatherRange } from "./core.js";

/** Words of an image's reply slot (Int32 view of its link SharedArrayBuffer). */
export const Link = {
  /** Tag of the last request answered (the image waits until it equals its request's tag). */
  REPLY_TAG: 0,
  /** How the answer came: see ReplyStatus. */
  REPLY_STATUS: 1,
  /** Bytes of inline data at INLINE_OFFSET. */
  REPLY_LENGTH: 2,
  /** Puts of this image that their targets acknowledged. */
  ACKED: 3,
} as const;
export const ReplyStatus = { INLINE: 0, ERROR: 1, ON_PORT: 2, LANDED: 3 } as const;
/** Byte offset of the reply value (Float64) and of inline reply data. */
export const VALUE_OFFSET = 16;
export const INLINE_OFFSET = 32;
export const INLINE_CAPACITY = 480;
export const LINK_BYTES = INLINE_OFFSET + INLINE_CAPACITY;

/** The tag after `tag`: an image numbers its requests 1, 2, ... 2^31 - 1, 1, ... */
export function nextTag(tag: number): number {
  return (tag + 1) & 0x7fffffff || 1;
}

/** Image → main thread messages of an image that reaches other nodes (besides alloc/abort). */
export type RemoteToMain =
  /**
   * puts: how many PUT/PUT_RECT operations ops holds; replyTag: the request this image now waits
   * on; pieces: a pipelined get, whose replies (tags replyTag, nextTag(replyTag), ...) land one
   * after the other in the landing zone, these byte lengths (ops holds the first piece's request).
   */
  | { t: "send"; node: number; ops: Uint8Array; landing?: SharedArrayBuffer; puts?: number; replyTag?: number; pieces?: number[] }
  | { t: "ringKeyAll"; key: number }
  | { t: "barrier"; gather: GatherRange | null }
  | { t: "stopped" }
  | { t: "abortClaim"; status: number; tag: number };
