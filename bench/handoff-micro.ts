// The hand-off from an image thread to its node's main thread and back, alone: the image posts a
// request and waits in Atomics.wait for the reply word; the main thread answers with
// Atomics.store + notify. Two ways to hand the request over: `postMessage` (a MessagePort) and a
// shared word the main thread waits on with Atomics.waitAsync (what core/request-ring.ts does).
// Run: npx tsc -p tsconfig.json && node dist/bench/handoff-micro.js [count]
// Prints one line per way and image spin (30 µs, as a multi-node image spins; 0, parking at once).

import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

type Way = "postMessage" | "waitAsync";
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number): { async: false } | { async: true; value: Promise<string> };
}).waitAsync;

function image(): void {
  const { sab, way, spinMicros, count } = workerData as { sab: SharedArrayBuffer; way: Way; spinMicros: number; count: number };
  const words = new Int32Array(sab);
  const once = (tag: number) => {
    if (way === "postMessage") {
      const ops = new Uint8Array(40);
      parentPort!.postMessage({ t: "send", ops, tag }, [ops.buffer]);
    } else {
      Atomics.store(words, 1, tag);
      Atomics.notify(words, 1);
    }
    const end = performance.now() + spinMicros / 1000;
    while (Atomics.load(words, 0) !== tag && performance.now() < end);
    while (Atomics.load(words, 0) !== tag) Atomics.wait(words, 0, tag - 1, 100);
  };
  for (let tag = 1; tag <= 2000; tag++) once(tag);
  const t0 = performance.now();
  for (let tag = 2001; tag <= 2000 + count; tag++) once(tag);
  parentPort!.postMessage({ t: "done", micros: ((performance.now() - t0) * 1000) / count });
}

function measure(way: Way, spinMicros: number, count: number): Promise<number> {
  const sab = new SharedArrayBuffer(8);
  const words = new Int32Array(sab);
  const worker = new Worker(new URL(import.meta.url), { workerData: { sab, way, spinMicros, count } });
  let stopped = false;
  const answer = (tag: number) => {
    Atomics.store(words, 0, tag);
    Atomics.notify(words, 0);
  };
  if (way === "waitAsync") {
    void (async () => {
      let served = 0;
      while (!stopped) {
        const posted = Atomics.load(words, 1);
        if (posted !== served) {
          served = posted;
          answer(posted);
          continue;
        }
        const waited = waitAsync(words, 1, posted);
        if (waited.async) await waited.value;
      }
    })();
  }
  return new Promise((resolve) => {
    worker.on("message", (m: { t: string; tag: number; micros: number }) => {
      if (m.t === "send") return answer(m.tag);
      stopped = true;
      Atomics.store(words, 1, -1);
      Atomics.notify(words, 1);
      void worker.terminate();
      resolve(m.micros);
    });
  });
}

if (isMainThread) {
  const count = Number(process.argv[2] ?? 20000);
  for (const spin of [30, 0]) {
    for (const way of ["postMessage", "waitAsync"] as Way[]) {
      const micros = await measure(way, spin, count);
      console.log(`hand-off round trip, ${way.padEnd(11)} image spin ${String(spin).padStart(2)} µs: ${micros.toFixed(1)} µs`);
    }
  }
} else {
  image();
}
