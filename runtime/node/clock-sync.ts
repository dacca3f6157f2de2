// How far this node's clock is from node 0's, for the trace of an observed run: a few PING/PONG
// round trips with node 0 at start-up, keeping the one with the shortest round trip (as NTP
// does: the error is at most half that round trip). Node 0's offset is 0. Consumes the transport
// and PONG operations; produces offsetUs.

import { nowUs } from "../observe/clock.js";
import type { Transport } from "../transport/transport.js";
import { OpWriter } from "../transport/wire.js";

const ROUND_TRIPS = 8;

export class ClockSync {
  /** Microseconds to add to this node's clock to read node 0's. */
  offsetUs = 0;
  /** The round trip the offset came from (Infinity: none yet; 0 on node 0). */
  bestRoundTripUs: number;
  private readonly waiting = new Map<number, (clockUs: number) => void>();
  private nextTag = 1;

  constructor(
    private readonly me: number,
    private readonly transport: Transport,
  ) {
    this.bestRoundTripUs = me === 0 ? 0 : Infinity;
  }

  /** Node ≠ 0: measures against node 0; never rejects (a lost node 0 ends the job anyway). */
  async measure(): Promise<void> {
    if (this.me === 0) return;
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const t0 = nowUs();
      const remoteUs = await this.ping();
      const t1 = nowUs();
      if (t1 - t0 < this.bestRoundTripUs) {
        this.bestRoundTripUs = t1 - t0;
        this.offsetUs = remoteUs - (t0 + t1) / 2;
      }
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
