// The smp conduit, main-thread side: starts one worker thread per image, serves the collective
// segment exchange, notices aborts and image exits, ends everything on error or timeout.
// Consumes the run options; produces the job's exit status once no image thread is left.

import { writeSync } from "node:fs";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { Ctl } from "../../core/core.js";
import { Global, createControlBlock, ctlIndex } from "../../core/control-block.js";
import type { FromMain, ToMain } from "../../core/shared-memory-core.js";
import type { ImageWorkerData } from "../../core/shared-memory-worker.js";
import {
  DEADLOCK_STATUS,
  DEFAULT_DEADLOCK_TIMEOUT_SECONDS,
  WatchdogMonitor,
  deadlockHeadline,
  describeImages,
  loadProgramSites,
  readImageWatch,
  type ImageWatch,
} from "../../node/watchdog.js";

export interface SmpNodeOptions {
  programUrl: string;
  images: number;
  args: string[];
  label: boolean;
  stdoutFd: number;
  stderrFd: number;
  timeoutSeconds?: number;
  /** Exit status after a timeout. */
  timeoutStatus: number;
  /** --deadlock-timeout: seconds without progress before the job is ended (0: no watchdog). */
  deadlockTimeoutSeconds?: number;
}

interface PendingAllocation {
  requests: (Extract<ToMain, { t: "alloc" }> | undefined)[];
  count: number;
}

export function runSmpNode(opts: SmpNodeOptions): Promise<number> {
  const size = opts.images;
  const control = createControlBlock(size);
  const words = new Int32Array(control);
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  const exited = new Set<number>();
  const pending = new Map<number, PendingAllocation>();
  let nextSegmentId = 1;
  let terminating = false;
  /** Names of the collectively allocated variables by segment id (for the watchdog's report). */
  const segmentNames = new Map<number, string>();

  const watchImages = (): ImageWatch[] =>
    Array.from({ length: size }, (_, image) => readImageWatch(words, ctlIndex(size, image, 0), image, exited.has(image)));

  /** Every image's statement and line, one line each (deadlock and timeout reports). */
  const imageReport = async (watches: ImageWatch[]): Promise<string> => {
    const program = await loadProgramSites(opts.programUrl);
    return describeImages(watches, program, (id) => segmentNames.get(id) ?? "?");
  };

  const watchdog = new WatchdogMonitor(opts.deadlockTimeoutSeconds ?? DEFAULT_DEADLOCK_TIMEOUT_SECONDS, {
    sample: async () => watchImages(),
    nudge: () => {
      for (let image = 0; image < size; image++) {
        if (Atomics.load(words, ctlIndex(size, image, Ctl.WAITING)) !== 0) ring(image);
      }
    },
    fire: (reason, watches) => {
      void imageReport(watches).then((report) => {
        if (!terminating && exited.size < size) abortFromMain(DEADLOCK_STATUS, deadlockHeadline(reason, opts.deadlockTimeoutSeconds ?? DEFAULT_DEADLOCK_TIMEOUT_SECONDS) + report);
      });
    },
  });

  const writeErr = (text: string) => {
    try {
      writeSync(opts.stderrFd, text);
    } catch {
      // stderr gone: nothing more to say
    }
  };

  /** Abort from the main thread (timeout, a crashed worker): first abort wins. */
  const abortFromMain = (status: number, message: string) => {
    if (Atomics.compareExchange(words, Global.ABORT, 0, 1) === 0) {
      Atomics.store(words, Global.EXIT_STATUS, status);
      writeErr(message);
    }
    terminateAll();
  };

  const ring = (image: number) => {
    const index = ctlIndex(size, image, Ctl.DOORBELL);
    Atomics.add(words, index, 1);
    Atomics.notify(words, index);
  };

  const terminateAll = () => {
    if (terminating) return;
    terminating = true;
    for (let image = 0; image < size; image++) ring(image);
    for (const worker of workers) void worker.terminate();
  };

  const answer = (image: number, message: FromMain) => {
    ports[image].postMessage(message);
    // The answer is queued before ALLOC_READY changes, so the image finds it at once.
    Atomics.store(words, ctlIndex(size, image, Ctl.ALLOC_READY), message.seq);
    ring(image);
  };

  const failAllocation = (seq: number, entry: PendingAllocation, message: string) => {
    entry.requests.forEach((request, image) => {
      if (request) answer(image, { t: "allocError", seq, message });
    });
  };

  /** An allocation that an exited image never joined can never complete. */
  const missingExitedImage = (entry: PendingAllocation): number => {
    for (const image of [...exited].sort((a, b) => a - b)) if (!entry.requests[image]) return image;
    return -1;
  };

  const onAllocation = (image: number, request: Extract<ToMain, { t: "alloc" }>) => {
    let entry = pending.get(request.seq);
    if (!entry) {
      entry = { requests: new Array(size).fill(undefined), count: 0 };
      pending.set(request.seq, entry);
    }
    entry.requests[image] = request;
    entry.count++;
    const stopped = missingExitedImage(entry);
    if (stopped >= 0) {
      answer(image, { t: "allocError", seq: request.seq, message: `image ${stopped} has stopped` });
      entry.requests[image] = undefined;
      entry.count--;
      return;
    }
    if (entry.count < size) return;
    pending.delete(request.seq);
    const first = entry.requests[0]!;
    const differing = entry.requests.findIndex((r) => r!.agree !== first.agree || r!.name !== first.name);
    if (differing >= 0) {
      const other = entry.requests[differing]!;
      const message =
        other.name !== first.name
          ? `images allocate different variables at the same point ('${first.name}' on image 0, '${other.name}' on image ${differing})`
          : `the size differs between images (${first.agree} on image 0, ${other.agree} on image ${differing})`;
      failAllocation(request.seq, entry, message);
      return;
    }
    const id = nextSegmentId++;
    segmentNames.set(id, first.name);
    const buffers = entry.requests.map((r) => r!.sab);
    entry.requests.forEach((_r, target) => answer(target, { t: "alloc", seq: request.seq, buffers, id }));
  };

  const workerUrl = new URL("../../core/shared-memory-worker.js", import.meta.url);

  return new Promise<number>((resolvePromise) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      watchdog.stop();
      for (const port of ports) port.close();
      resolvePromise(Atomics.load(words, Global.ABORT) !== 0 ? Atomics.load(words, Global.EXIT_STATUS) : 0);
    };

    // --timeout counts from the start: thousands of threads starting are part of the run.
    if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
      timer = setTimeout(() => {
        watchdog.stop();
        const headline = `pgasc: timeout: the program ran longer than ${opts.timeoutSeconds} second(s); stopping all images\n`;
        // The images' statements are read at the deadline; the report needs the program's sites.
        const watches = watchImages();
        void imageReport(watches).then(
          (report) => exited.size < size && abortFromMain(opts.timeoutStatus, headline + report),
          () => abortFromMain(opts.timeoutStatus, headline),
        );
      }, opts.timeoutSeconds * 1000);
    }
    for (let rank = 0; rank < size; rank++) {
      const channel = new MessageChannel();
      ports.push(channel.port1);
      const data: ImageWorkerData = {
        rank,
        size,
        control,
        port: channel.port2,
        programUrl: opts.programUrl,
        args: opts.args,
        label: opts.label,
        stdoutFd: opts.stdoutFd,
        stderrFd: opts.stderrFd,
      };
      const worker = new Worker(workerUrl, { workerData: data, transferList: [channel.port2], stdout: false, stderr: false });
      workers.push(worker);
      channel.port1.on("message", (message: ToMain) => {
        if (message.t === "alloc") onAllocation(rank, message);
        else if (message.t === "abort") terminateAll();
      });
      worker.on("error", (error: Error) => {
        abortFromMain(1, `pgasc: internal error in image ${rank}: ${error?.stack ?? String(error)}\n`);
      });
      worker.on("exit", (code) => {
        exited.add(rank);
        if (code !== 0 && !terminating) {
          abortFromMain(1, `pgasc: image ${rank} ended unexpectedly (thread exit code ${code})\n`);
        }
        // Allocations the exited image never joined can never complete: answer the waiters.
        for (const [seq, entry] of pending) {
          if (!entry.requests[rank]) {
            pending.delete(seq);
            failAllocation(seq, entry, `image ${rank} has stopped`);
          }
        }
        if (exited.size === size) finish();
      });
    }

    watchdog.start();
  });
}
