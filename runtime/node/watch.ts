// The node side of the deadlock watchdog and of the timeout report: node 0 samples what every
// image of the job is doing (its own from the control block, the other nodes' through
// WATCH_QUERY / WATCH_STATE), runs the monitor (watchdog.ts) and ends the job with a headline and
// one line per image. Consumes the engine's images, segments and aborts; produces reports.

import type { OpWriter } from "../transport/wire.js";
import type { Aborts } from "./aborts.js";
import type { LocalImages } from "./local-images.js";
import type { Segments } from "./segments.js";
import {
  DEADLOCK_STATUS,
  DEFAULT_DEADLOCK_TIMEOUT_SECONDS,
  ImageState,
  WatchdogMonitor,
  deadlockHeadline,
  describeImages,
  loadProgramSites,
  type ImageWatch,
} from "./watchdog.js";

/** Node 0 waits this long for the other nodes' image states (watchdog, timeout report). */
const WATCH_REPLY_TIMEOUT_MS = 1000;

export interface WatchHost {
  readonly me: number;
  readonly nodeCount: number;
  readonly programUrl: string;
  readonly local: LocalImages;
  readonly segments: Segments;
  readonly aborts: Aborts;
  finished(): boolean;
  broadcastOps(write: (w: OpWriter) => void): void;
}

export class NodeWatch {
  private watchdog: WatchdogMonitor | null = null;
  private watchSeq = 0;
  private pending: { seq: number; states: Map<number, ImageWatch[]>; done: (complete: boolean) => void } | null = null;

  constructor(private readonly host: WatchHost) {}

  /** Node 0 watches every image of the job; the others answer its questions. */
  start(deadlockTimeoutSeconds: number | undefined): void {
    if (this.host.me !== 0) return;
    const seconds = deadlockTimeoutSeconds ?? DEFAULT_DEADLOCK_TIMEOUT_SECONDS;
    this.watchdog = new WatchdogMonitor(seconds, {
      sample: () => this.sample(false),
      nudge: () => this.host.local.nudgeWaiting(),
      fire: (reason, watches) => void this.abortWithReport(DEADLOCK_STATUS, deadlockHeadline(reason, seconds), watches),
    });
    this.watchdog.start();
  }

  stop(): void {
    this.watchdog?.stop();
  }

  /**
   * Every image's state: this node's, and (while none of ours runs, or `all`) the other nodes'
   * through WATCH_QUERY. Null when the job is ending or a node did not answer in time.
   */
  private async sample(all: boolean): Promise<ImageWatch[] | null> {
    const host = this.host;
    if (host.aborts.aborting || host.finished()) return null;
    const local = host.local.watches();
    if (!all && local.some((w) => w.state === ImageState.RUNNING || w.state === ImageState.GONE)) return local;
    if (host.nodeCount === 1) return local;
    if (this.pending) return null;
    const seq = ++this.watchSeq;
    const states = new Map<number, ImageWatch[]>();
    const complete = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), WATCH_REPLY_TIMEOUT_MS);
      this.pending = {
        seq,
        states,
        done: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      host.broadcastOps((w) => w.watchQuery(seq));
    });
    this.pending = null;
    if (!complete) return null;
    return [...local, ...[...states.values()].flat()];
  }

  onWatchState(node: number, seq: number, watches: ImageWatch[]): void {
    const pending = this.pending;
    if (!pending || pending.seq !== seq) return;
    pending.states.set(node, watches);
    if (pending.states.size === this.host.nodeCount - 1) pending.done(true);
  }

  /**
   * Node 0 ends the job with `headline` and every image's statement (deadlock, timeout). When
   * the other nodes cannot say in time, the report has this node's images only.
   */
  async abortWithReport(status: number, headline: string, known?: ImageWatch[]): Promise<void> {
    const host = this.host;
    this.watchdog?.stop();
    if (host.aborts.aborting || host.finished()) return;
    let report = "";
    try {
      const watches = known ?? (await this.sample(true)) ?? host.local.watches();
      const program = await loadProgramSites(host.programUrl);
      report = describeImages(watches, program, (id) => host.segments.nameOf(id));
    } catch {
      // the headline alone
    }
    host.aborts.mainAbort(status, headline + report);
  }
}
