// Hand-written JavaScript baseline, nstream triad: the fastest natural way to write it, a small
// function over module-level Float64Arrays (V8 folds them into the optimised code), as
// bench/kernels/loops/nstream.pgas runs it. Arguments: TOTAL ITERATIONS [THREADS] (each of
// THREADS worker threads takes TOTAL/THREADS elements). Prints `RESULT loops_nstream_rate MB/s`.

import { coordinate, finish, job, timed } from "./job.js";

const n = job.coordinator ? 0 : Math.floor(job.size / job.threads);
const a = new Float64Array(n);
const b = new Float64Array(n);
const c = new Float64Array(n);
for (let i = 0; i < n; i++) {
  a[i] = 0;
  b[i] = 2;
  c[i] = 2;
}

function triad(): void {
  for (let i = 0; i < n; i++) a[i] += b[i]! + 3.0 * c[i]!;
}

if (job.coordinator) {
  await coordinate(new URL(import.meta.url), "loops_nstream_rate", "MB/s");
} else {
  const seconds = timed(() => {
    for (let k = 0; k < job.iterations; k++) triad();
  });
  const expected = job.iterations * (2 + 3 * 2);
  let errors = 0;
  for (let i = 0; i < n; i++) if (Math.abs(a[i]! - expected) > 1e-9 * expected) errors++;
  finish("loops_nstream_rate", "MB/s", 4 * 8 * n * job.iterations, seconds, errors);
}
