// How far this node's clock is from node 0's, for the trace of an observed run: PING/PONG round
// trips with node 0, keeping the one with the shortest round trip (as NTP does: the error is at
// most half that round trip). A few at start-up, then one every LATER_INTERVAL_MS while the run
// lasts: at start-up the main threads are busy starting image threads, and on a loaded machine
// every early round trip took over 0.2 s. Node 0's offset is 0. Consumes the transport and PONG
// operations; produces offsetUs.

import { nowUs } from "../observe/clock.js";
import type { Transport } from "../transport/transport.js";
import { OpWriter } from "../transport/wire.js";

const ROUND_TRIPS = 8;
const LATER_INTERVAL_MS = 50;
const LATER_ROUND_TRIPS = 600;

export class ClockSync {
  /** Microseconds to add to this node's clock to read node 0's. */
  offsetUs = 0;
  /** The round trip the offset came from (Infinity: none yet; 0 on node 0). */
  bestRoundTripUs: number;
  private readonly waiting = new Map<number, (clockUs: number) => void>();
  private nextTag = 1;
  private stopped = false;

  constructor(
    private readonly me: number,
    private readonly transport: Transport,
  ) {
    this.bestRoundTripUs = me === 0 ? 0 : Infinity;
  }

  /** Node ≠ 0: measures against node 0; never rejects (a lost node 0 ends the job anyway). */
  async measure(): Promise<void> {
    if (this.me === 0) return;
    try {
      for (let i = 0; i < ROUND_TRIPS && !this.stopped; i++) await this.sample();
      for (let i = 0; i < LATER_ROUND_TRIPS && !this.stopped; i++) {
        await new Promise((resolve) => setTimeout(resolve, LATER_INTERVAL_MS).unref());
        if (!this.stopped) await this.sample();
      }
    } catch {
      // the link to node 0 is gone: the job is ending, the offset stays the best one found
    }
  }

  /** No more round trips (the records are being gathered: the offset is final). */
  stop(): void {
    this.stopped = true;
  }

  private async sample(): Promise<void> {
    const t0 = nowUs();
    const remoteUs = await this.ping();
    const t1 = nowUs();
    if (t1 - t0 < this.bestRoundTripUs) {
      this.bestRoundTripUs = t1 - t0;
      this.offsetUs = remoteUs - (t0 + t1) / 2;
    }
  }

  private ping(): Promise<number> {
    const tag = this.nextTag++;
    return new Promise((resolve) => {
      this.waiting.set(tag, resolve);
      const writer = new OpWriter(32);
      writer.ping(tag);
      this.transport.send(0, writer.take());
    });
  }

  onPong(node: number, tag: number, clockUs: number): void {
    const resolve = node === 0 ? this.waiting.get(tag) : undefined;
    if (!resolve) return;
    this.waiting.delete(tag);
    resolve(clockUs);
  }
}
