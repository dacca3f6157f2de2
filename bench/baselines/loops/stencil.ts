// Hand-written JavaScript baseline, star stencil of radius 2: in small functions over module-level
// Float64Arrays, as bench/kernels/loops/stencil.pgas runs it (N/THREADS rows of N columns each,
// two extra rows on each side). Arguments: N ITERATIONS [THREADS]. Prints
// `RESULT loops_stencil_rate MFlop/s`.

import { coordinate, finish, job, timed } from "./job.js";

const R = 2;
const N = job.size;
const rows = job.coordinator ? 0 : Math.floor(N / job.threads);
const grid = new Float64Array((rows + 2 * R) * N);
const out = new Float64Array(rows * N);
for (let i = 0; i < rows + 2 * R; i++) for (let j = 0; j < N; j++) grid[i * N + j] = i + j;
for (let k = 0; k < rows * N; k++) out[k] = 0;

function step(): void {
  for (let i = R; i < rows + R; i++) {
    const row = i * N;
    const outRow = (i - R) * N;
    for (let j = R; j < N - R; j++) {
      const p = row + j;
      out[outRow + j] +=
        (grid[p + 1]! - grid[p - 1]! + grid[p + N]! - grid[p - N]!) * 0.25 +
        (grid[p + 2]! - grid[p - 2]! + grid[p + 2 * N]! - grid[p - 2 * N]!) * 0.125;
    }
  }
  for (let k = 0; k < (rows + 2 * R) * N; k++) grid[k] += 1;
}

if (job.coordinator) {
  await coordinate(new URL(import.meta.url), "loops_stencil_rate", "MFlop/s");
} else {
  const seconds = timed(() => {
    for (let k = 0; k < job.iterations; k++) step();
  });
  const expected = 2 * job.iterations;
  let errors = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = R; j < N - R; j++) if (Math.abs(out[i * N + j]! - expected) > 1e-9 * expected) errors++;
  }
  const points = rows * (N - 2 * R);
  finish("loops_stencil_rate", "MFlop/s", (2 * (4 * R + 1) + 1) * points * job.iterations, seconds, errors);
}
