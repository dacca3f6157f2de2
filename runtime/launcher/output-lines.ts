// Whole-line output forwarding for the launcher: node processes' pipes deliver arbitrary chunks;
// the launcher writes only complete lines, so lines of different nodes never split or interleave.
// Consumes Buffers; produces synchronous writes on a file descriptor (or lines to a callback).

import { writeSync } from "node:fs";

const NEWLINE = 0x0a;

/** Thrown when the reader of our output has gone (EPIPE, ECONNRESET): the job should end. */
export class OutputClosedError extends Error {}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `data` to `fd`: retries short writes, and waits briefly when a non-blocking pipe
 * is full (EAGAIN) instead of dropping output.
 */
export function writeAllSync(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(sleepCell, 0, 0, 1);
        continue;
      }
      // A pipe's reader gone is EPIPE; a socket's (Node gives a child socketpairs for "pipe") may be ECONNRESET.
      if (code === "EPIPE" || code === "ECONNRESET") throw new OutputClosedError("output closed");
      throw e;
    }
  }
}

/**
 * Collects chunks and hands on complete lines. `onLines` receives a buffer of one or more whole
 * lines, each ending with a newline; a last line without one is completed at `end()`.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  constructor(private readonly onLines: (lines: Buffer) => void) {}

  push(chunk: Buffer): void {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.pending.push(chunk);
      return;
    }
    const head = chunk.subarray(0, last + 1);
    const whole = this.pending.length > 0 ? Buffer.concat([...this.pending, head]) : head;
    this.pending = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    this.onLines(whole);
  }

  /** The stream ended: a partial last line is passed on with a newline added. */
  end(): void {
    if (this.pending.length === 0) return;
    const rest = Buffer.concat([...this.pending, Buffer.from("\n")]);
    this.pending = [];
    this.onLines(rest);
  }
}

/** Splits a buffer of whole lines into the lines' texts (without their newlines). */
export function linesOf(buffer: Buffer): string[] {
  const text = buffer.toString("utf8");
  return text.slice(0, text.endsWith("\n") ? -1 : undefined).split("\n");
}
