// The deadlock watchdog, conduit-neutral: reads what every image is blocked in (the watchdog words of
// the control block, core.ts Ctl.STMT_*), decides whether the job can never go on (a certain
// deadlock, or no progress for --deadlock-timeout seconds) and writes the per-image report.
// Consumed by the node engine (watch.ts, on the main thread): it lives beside the engine, not in
// extended/ (which runs in image threads).

import { pathToFileURL } from "node:url";
import { CollectiveCode, Ctl, STATUS_STOPPED, SYNC_IMAGES_LIST, SYNC_IMAGES_STAR, WaitKind } from "../core/core.js";

/** Default of --deadlock-timeout (seconds); 0 turns the watchdog off. */
export const DEFAULT_DEADLOCK_TIMEOUT_SECONDS = 30;
/** Exit status of a job ended by the watchdog (a deadlock is a runtime error). */
export const DEADLOCK_STATUS = 1;
/** How often the monitor looks. */
export const WATCH_INTERVAL_MS = 200;
/**
 * A certain deadlock must be seen unchanged this long (with every waiting image rung meanwhile)
 * before it is reported: an image whose wait was just satisfied but that has not woken yet looks
 * blocked for a moment; rung, it wakes, leaves the wait and changes its progress count.
 */
export const CONFIRM_MS = 1000;

export const ImageState = { RUNNING: 0, WAITING: 1, STOPPED: 2, GONE: 3 } as const;

/** One image as the watchdog sees it (all numbers: it travels in WATCH_STATE as 9 × i32). */
export interface ImageWatch {
  image: number;
  state: number;
  kind: number;
  /** Site index + 1 (0: none). */
  site: number;
  arg: number;
  segment: number;
  waitOn: number;
  progress: number;
  /** Site index + 1 of the `stop` that ended the image (0: end of the program). */
  stopSite: number;
}
export const WATCH_FIELDS = 9;

/** Reads image `image`'s watchdog words; `exited`: its thread is gone. */
export function readImageWatch(words: Int32Array, base: number, image: number, exited: boolean): ImageWatch {
  const status = Atomics.load(words, base + Ctl.STATUS);
  const waiting = Atomics.load(words, base + Ctl.WAITING);
  const state =
    status === STATUS_STOPPED ? ImageState.STOPPED : exited ? ImageState.GONE : waiting !== 0 ? ImageState.WAITING : ImageState.RUNNING;
  return {
    image,
    state,
    kind: Atomics.load(words, base + Ctl.STMT_KIND),
    site: Atomics.load(words, base + Ctl.STMT_SITE),
    arg: Atomics.load(words, base + Ctl.STMT_ARG),
    segment: Atomics.load(words, base + Ctl.STMT_SEGMENT),
    waitOn: Atomics.load(words, base + Ctl.WAIT_ON),
    progress: Atomics.load(words, base + Ctl.PROGRESS),
    stopSite: Atomics.load(words, base + Ctl.STOP_SITE),
  };
}

export function encodeWatches(watches: readonly ImageWatch[]): Buffer {
  const out = Buffer.alloc(4 + watches.length * WATCH_FIELDS * 4);
  out.writeUInt32LE(watches.length, 0);
  watches.forEach((w, i) => {
    const at = 4 + i * WATCH_FIELDS * 4;
    [w.image, w.state, w.kind, w.site, w.arg, w.segment, w.waitOn, w.progress, w.stopSite].forEach((v, k) => out.writeInt32LE(v | 0, at + 4 * k));
  });
  return out;
}

/** Decodes a WATCH_STATE body; null when malformed. */
export function decodeWatches(body: Buffer): ImageWatch[] | null {
  if (body.length < 4) return null;
  const count = body.readUInt32LE(0);
  if (body.length !== 4 + count * WATCH_FIELDS * 4) return null;
  const watches: ImageWatch[] = [];
  for (let i = 0; i < count; i++) {
    const v = (k: number) => body.readInt32LE(4 + (i * WATCH_FIELDS + k) * 4);
    watches.push({ image: v(0), state: v(1), kind: v(2), site: v(3), arg: v(4), segment: v(5), waitOn: v(6), progress: v(7), stopSite: v(8) });
  }
  return watches;
}

const BARRIER_KINDS = new Set<number>([
  WaitKind.SYNC_ALL,
  WaitKind.ALLOCATION,
  WaitKind.COLLECTIVE,
  WaitKind.CHECKPOINT,
  WaitKind.FORM_TEAM,
  WaitKind.CHANGE_TEAM,
  WaitKind.END_TEAM,
]);

/**
 * True when the waiting images can certainly never all go on. Only meaningful when no image is
 * running. Computes the least set R of images that could be released, where each rule
 * over-approximates "some image of R (which may do anything next) or the runtime's own error
 * checks could end this wait"; an image outside R can only be released by images outside R,
 * which all wait too: they wait forever. Every uncertain case counts as releasable, so a wait
 * that can still be satisfied is never reported (the time rule catches what this one misses).
 */
export function isCertainDeadlock(watches: readonly ImageWatch[]): boolean {
  const byImage = new Map(watches.map((w) => [w.image, w]));
  if (watches.some((w) => w.state === ImageState.RUNNING || w.state === ImageState.GONE)) return false;
  const waiting = watches.filter((w) => w.state === ImageState.WAITING);
  if (waiting.length === 0) return false;
  const stopped = (image: number) => byImage.get(image)?.state === ImageState.STOPPED;
  const anyStopped = watches.some((w) => w.state === ImageState.STOPPED);
  const allInBarriers = waiting.every((w) => BARRIER_KINDS.has(w.kind));
  const released = new Set<number>();
  const releasable = (w: ImageWatch): boolean => {
    if (BARRIER_KINDS.has(w.kind)) {
      // Everyone arrived (the barrier completes), an image stopped (the barrier fails with
      // "image K has stopped"), or an image that may move could still arrive or stop.
      return allInBarriers || anyStopped || released.size > 0;
    }
    switch (w.kind) {
      case WaitKind.SYNC_IMAGES: {
        const p = w.waitOn;
        if (p < 0 || p === w.image || released.has(p) || stopped(p) || !byImage.has(p)) return true;
        const partner = byImage.get(p)!;
        // The partner announced itself to every image it names before waiting.
        return (
          partner.state === ImageState.WAITING &&
          partner.kind === WaitKind.SYNC_IMAGES &&
          (partner.arg === w.image || partner.arg === SYNC_IMAGES_STAR || partner.arg === SYNC_IMAGES_LIST)
        );
      }
      case WaitKind.EVENT_WAIT: {
        // Anyone who may move may post; with every other image stopped the wait fails by itself.
        const others = watches.filter((o) => o.image !== w.image);
        return others.some((o) => released.has(o.image)) || others.every((o) => o.state === ImageState.STOPPED);
      }
      case WaitKind.LOCK:
      case WaitKind.CRITICAL: {
        const holder = w.waitOn;
        return holder < 0 || holder === w.image || released.has(holder) || stopped(holder) || !byImage.has(holder);
      }
      default:
        return true;
    }
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of waiting) {
      if (!released.has(w.image) && releasable(w)) {
        released.add(w.image);
        changed = true;
      }
    }
  }
  return waiting.some((w) => !released.has(w.image));
}

/** What the report needs from the compiled program module. */
export interface ProgramSites {
  sourceFile: string;
  sourceLines: readonly string[];
  sites: readonly (readonly number[])[];
}

const programCache = new Map<string, Promise<ProgramSites>>();

/** Imports the program module on the main thread (declarations only run: `main` is not called). */
export function loadProgramSites(programUrl: string): Promise<ProgramSites> {
  let loading = programCache.get(programUrl);
  if (!loading) {
    const url = programUrl.startsWith("file:") ? programUrl : pathToFileURL(programUrl).href;
    loading = import(url).then(
      (m: Partial<ProgramSites>) => ({ sourceFile: m.sourceFile ?? "program", sourceLines: m.sourceLines ?? [], sites: m.sites ?? [] }),
      () => ({ sourceFile: "program", sourceLines: [], sites: [] }),
    );
    programCache.set(programUrl, loading);
  }
  return loading;
}

const COLLECTIVE_NAMES = new Map<number, string>(Object.entries(CollectiveCode).map(([name, code]) => [code, name]));

function where(program: ProgramSites, site: number): string {
  const position = site > 0 ? program.sites[site - 1] : undefined;
  return position ? `${program.sourceFile}:${position[0]}` : program.sourceFile;
}

/** The statement an image is in (or last executed), as the user wrote it, and what it waits for. */
function statementText(w: ImageWatch, program: ProgramSites, segmentName: (id: number) => string): { text: string; detail: string } {
  const { text, detail } = statementAlone(w, program, segmentName);
  // inside a team (§7.1) the statement's team: STMT_SEGMENT holds its number (0: the initial team)
  const team = TEAM_SCOPED.has(w.kind) && w.segment > 0 ? ` in team ${w.segment}` : "";
  return { text: text + team, detail };
}

const TEAM_SCOPED = new Set<number>([
  WaitKind.SYNC_ALL,
  WaitKind.SYNC_IMAGES,
  WaitKind.COLLECTIVE,
  WaitKind.FORM_TEAM,
  WaitKind.CHANGE_TEAM,
  WaitKind.END_TEAM,
]);

function statementAlone(w: ImageWatch, program: ProgramSites, segmentName: (id: number) => string): { text: string; detail: string } {
  const position = w.site > 0 ? program.sites[w.site - 1] : undefined;
  const waiting = w.state === ImageState.WAITING && w.waitOn >= 0;
  switch (w.kind) {
    case WaitKind.SYNC_ALL:
      return { text: "sync all", detail: "" };
    case WaitKind.SYNC_IMAGES:
      if (w.arg >= 0) return { text: `sync images(${w.arg})`, detail: "" };
      return { text: `sync images(${w.arg === SYNC_IMAGES_STAR ? "*" : "..."})`, detail: waiting ? ` (waiting for image ${w.waitOn})` : "" };
    case WaitKind.EVENT_WAIT:
      return { text: `event wait ${segmentName(w.segment)}${w.arg > 1 ? ` until ${w.arg}` : ""}`, detail: "" };
    case WaitKind.LOCK:
      return { text: `lock ${segmentName(w.segment)}[${w.arg}]`, detail: waiting ? ` (held by image ${w.waitOn})` : "" };
    case WaitKind.CRITICAL:
      return { text: "critical", detail: waiting ? ` (held by image ${w.waitOn})` : "" };
    case WaitKind.ALLOCATION: {
      const text = position ? program.sourceLines[position[0] - 1]?.trim() : undefined;
      return { text: text ? `declaration '${text}'` : "collective declaration", detail: "" };
    }
    case WaitKind.COLLECTIVE:
      return { text: COLLECTIVE_NAMES.get(w.arg) ?? "collective", detail: "" };
    case WaitKind.CHECKPOINT:
      return { text: "checkpoint", detail: "" };
    case WaitKind.FORM_TEAM:
      return { text: `form team(${w.arg}, ...)`, detail: "" };
    case WaitKind.CHANGE_TEAM:
      return { text: `change team (entering team ${w.arg})`, detail: waiting ? ` (waiting for image ${w.waitOn})` : "" };
    case WaitKind.END_TEAM:
      return { text: `end of change team (leaving team ${w.arg})`, detail: waiting ? ` (waiting for image ${w.waitOn})` : "" };
    default:
      return { text: "image control statement", detail: "" };
  }
}

/** One line per image: `image 2: sync images(3) at ring.pgas:14`. */
export function describeImages(watches: readonly ImageWatch[], program: ProgramSites, segmentName: (id: number) => string): string {
  const lines = [...watches]
    .sort((a, b) => a.image - b.image)
    .map((w) => {
      switch (w.state) {
        case ImageState.WAITING: {
          const { text, detail } = statementText(w, program, segmentName);
          return `image ${w.image}: ${text} at ${where(program, w.site)}${detail}`;
        }
        case ImageState.STOPPED:
          return `image ${w.image}: ${w.stopSite > 0 ? `stopped at ${where(program, w.stopSite)}` : "finished"}`;
        case ImageState.GONE:
          return `image ${w.image}: ended`;
        default:
          return w.kind === WaitKind.NONE
            ? `image ${w.image}: running`
            : `image ${w.image}: running (after ${statementText(w, program, segmentName).text} at ${where(program, w.site)})`;
      }
    });
  return lines.map((line) => line + "\n").join("");
}

export function deadlockHeadline(reason: "certain" | "stalled", timeoutSeconds: number): string {
  return reason === "certain"
    ? "pgasc: deadlock: every image is blocked and none of the waits can ever end; stopping all images\n"
    : `pgasc: deadlock: no image has made progress for ${timeoutSeconds} second(s) (--deadlock-timeout); stopping all images\n`;
}

export interface MonitorHooks {
  /** Every image's state, or null when it cannot be had now (skip this look). */
  sample(): Promise<ImageWatch[] | null>;
  /** Rings every waiting image: one whose wait was satisfied wakes and leaves it. */
  nudge(): void;
  /** The job is deadlocked: report and end it. Called at most once. */
  fire(reason: "certain" | "stalled", watches: ImageWatch[]): void;
}

/**
 * The monitor loop of a node's main thread: progress is an image running, or any change of the
 * waiting images' states and progress counts. Timers are unref'd: the watchdog never keeps a
 * process alive.
 */
export class WatchdogMonitor {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private previousKey = "";
  private stableSince = 0;
  private lastProgress = performance.now();

  constructor(
    private readonly timeoutSeconds: number,
    private readonly hooks: MonitorHooks,
  ) {}

  start(): void {
    if (this.timeoutSeconds <= 0) return;
    this.lastProgress = performance.now();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.look(), WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  private async look(): Promise<void> {
    let watches: ImageWatch[] | null = null;
    try {
      watches = await this.hooks.sample();
    } catch {
      watches = null;
    }
    if (this.stopped) return;
    const now = performance.now();
    if (watches === null) return this.schedule();
    const moving =
      watches.some((w) => w.state === ImageState.RUNNING || w.state === ImageState.GONE) || watches.every((w) => w.state === ImageState.STOPPED);
    if (moving) {
      this.previousKey = "";
      this.lastProgress = now;
      return this.schedule();
    }
    const key = watches.map((w) => `${w.image}:${w.state}:${w.kind}:${w.site}:${w.arg}:${w.segment}:${w.waitOn}:${w.progress}`).join(",");
    this.hooks.nudge();
    if (key !== this.previousKey) {
      this.previousKey = key;
      this.stableSince = now;
      this.lastProgress = now;
      return this.schedule();
    }
    if (now - this.stableSince >= CONFIRM_MS && isCertainDeadlock(watches)) {
      this.stopped = true;
      this.hooks.fire("certain", watches);
      return;
    }
    if (now - this.lastProgress >= this.timeoutSeconds * 1000) {
      this.stopped = true;
      this.hooks.fire("stalled", watches);
      return;
    }
    this.schedule();
  }
}
