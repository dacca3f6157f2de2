// The frame of the hand-written JavaScript loop baselines (issue 11): reads `SIZE ITERATIONS
// THREADS`, and either runs the kernel here (one thread, or one worker of several) or, as the
// coordinator of THREADS > 1, starts that many workers of the same file, lines them up at a
// barrier and prints the kernel's RESULT over the slowest worker's time. Consumes argv and
// workerData; gives the kernel file its part and the `timed`/`finish` calls.

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

interface Shared {
  rank: number;
  barrier: SharedArrayBuffer;
}

export interface Job {
  /** The coordinator of a multi-threaded run computes nothing itself. */
  coordinator: boolean;
  size: number;
  iterations: number;
  threads: number;
  rank: number;
}

const [size = NaN, iterations = NaN, threads = 1] = process.argv.slice(2).map(Number);
const shared = (isMainThread ? undefined : workerData) as Shared | undefined;

export const job: Job = {
  coordinator: isMainThread && threads > 1,
  size,
  iterations,
  threads,
  rank: shared?.rank ?? 0,
};

/** Runs `work` once every thread is ready; gives its time in seconds. */
export function timed(work: () => void): number {
  if (shared) {
    const count = new Int32Array(shared.barrier);
    Atomics.add(count, 0, 1);
    Atomics.notify(count, 0);
    for (let seen = Atomics.load(count, 0); seen < job.threads; seen = Atomics.load(count, 0)) Atomics.wait(count, 0, seen);
  }
  const t0 = performance.now();
  work();
  return (performance.now() - t0) / 1000;
}

/** Reports this thread's outcome: `units` of work done in `seconds`, with `errors` wrong results. */
export function finish(result: string, unit: string, units: number, seconds: number, errors: number): void {
  if (shared) {
    parentPort!.postMessage({ units, seconds, errors });
    return;
  }
  print(result, unit, units, seconds, errors);
}

function print(result: string, unit: string, units: number, seconds: number, errors: number): void {
  if (errors !== 0) {
    console.log(`INVALID ${result}: ${errors} wrong results`);
    process.exit(1);
  }
  console.log(`RESULT ${result} ${units / seconds / 1e6} ${unit}`);
}

/** The coordinator: starts the workers of `file` and prints the whole job's rate. */
export async function coordinate(file: string | URL, result: string, unit: string): Promise<void> {
  const barrier = new SharedArrayBuffer(4);
  const outcomes = await Promise.all(
    Array.from({ length: threads }, (_, rank) =>
      new Promise<{ units: number; seconds: number; errors: number }>((resolve, reject) => {
        const worker = new Worker(file, { argv: process.argv.slice(2), workerData: { rank, barrier } satisfies Shared });
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
    ),
  );
  const units = outcomes.reduce((sum, o) => sum + o.units, 0);
  const seconds = Math.max(...outcomes.map((o) => o.seconds));
  print(result, unit, units, seconds, outcomes.reduce((sum, o) => sum + o.errors, 0));
}
