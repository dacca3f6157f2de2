// Heartbeats between the progress engines (node main threads) of a job: each sends a tiny frame to
// every peer twice a second and notes when it last heard from each; a peer silent for 3.5 s is
// declared hung. Consumes hooks to send and to report; produces hung(node) calls, once per peer.

/**
 * The margins (docs/hardening.md): a node main thread only moves frames and never runs user code,
 * so a live one answers within milliseconds; heartbeats every 0.5 s let a peer be descheduled or
 * paused (GC, a loaded 2-core machine) for up to ~3 s before it is judged, and a hung peer is
 * named ~3.5-3.8 s after its last frame, within the 5 s asked for.
 */
export interface HeartbeatTiming {
  /** How often a heartbeat goes to each peer. */
  intervalMs: number;
  /** How often silence is judged. */
  checkMs: number;
  /** Silence after which a peer is hung. */
  silenceMs: number;
  /** A check this much later than due means this process itself did not run: nobody is judged. */
  selfStallMs: number;
}

export const HEARTBEAT_TIMING: HeartbeatTiming = { intervalMs: 500, checkMs: 250, silenceMs: 3500, selfStallMs: 1000 };

export interface HeartbeatHooks {
  /** The peers to send to and judge now: linked, alive, not ending (said BYE). */
  watched(): Iterable<number>;
  beat(node: number): void;
  hung(node: number, silentMs: number): void;
}

export class PeerHeartbeat {
  /** When each peer was last heard from (NaN: no link yet, so not judged). */
  private readonly lastHeard: number[];
  private readonly reported = new Set<number>();
  private lastCheck = 0;
  private lastBeat = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    nodeCount: number,
    private readonly hooks: HeartbeatHooks,
    private readonly timing: HeartbeatTiming = HEARTBEAT_TIMING,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastHeard = new Array<number>(nodeCount).fill(NaN);
  }

  /** Any frame from `node` (a heartbeat or anything else) shows it is alive. */
  heard(node: number): void {
    this.lastHeard[node] = this.now();
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.lastCheck = this.now();
    this.timer = setInterval(() => this.tick(), this.timing.checkMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One check: send heartbeats when due, then judge once the frames already received are read. */
  tick(): void {
    if (this.stopped) return;
    const now = this.now();
    const stalled = now - this.lastCheck > this.timing.checkMs + this.timing.selfStallMs;
    this.lastCheck = now;
    if (now - this.lastBeat >= this.timing.intervalMs) {
      this.lastBeat = now;
      for (const node of this.hooks.watched()) this.hooks.beat(node);
    }
    if (stalled) {
      // We did not run for a while: the peers' frames may be waiting unread. Start their clocks anew.
      for (let node = 0; node < this.lastHeard.length; node++) if (!Number.isNaN(this.lastHeard[node])) this.lastHeard[node] = now;
      return;
    }
    // A timer runs before the event loop polls for input: judge after this turn's reads.
    setImmediate(() => this.judge());
  }

  judge(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const node of this.hooks.watched()) {
      const last = this.lastHeard[node];
      if (Number.isNaN(last) || this.reported.has(node)) continue;
      const silent = now - last;
      if (silent > this.timing.silenceMs) {
        this.reported.add(node);
        this.hooks.hung(node, silent);
      }
    }
  }
}
