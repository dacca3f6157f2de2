// Hand-written JavaScript baseline, transpose: B += transpose(A), then A += 1, in small functions
// over module-level Float64Arrays, as bench/kernels/loops/transpose.pgas runs it. Arguments: N
// ITERATIONS [THREADS] (each thread an M x M matrix, M = N / isqrt(THREADS)). Prints
// `RESULT loops_transpose_rate MB/s`.

import { coordinate, finish, job, timed } from "./job.js";

const m = job.coordinator ? 0 : Math.floor(job.size / Math.floor(Math.sqrt(job.threads)));
const a = new Float64Array(m * m);
const b = new Float64Array(m * m);
for (let i = 0; i < m * m; i++) {
  a[i] = i;
  b[i] = 0;
}

function step(): void {
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) b[row + j] += a[j * m + i]!;
  }
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) a[row + j] += 1;
  }
}

if (job.coordinator) {
  await coordinate(new URL(import.meta.url), "loops_transpose_rate", "MB/s");
} else {
  const seconds = timed(() => {
    for (let k = 0; k < job.iterations; k++) step();
  });
  const K = job.iterations;
  let errors = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const expected = K * (j * m + i) + (K * (K - 1)) / 2;
      if (Math.abs(b[i * m + j]! - expected) > 1e-9 * expected + 1e-9) errors++;
    }
  }
  finish("loops_transpose_rate", "MB/s", 2 * 8 * m * m * job.iterations, seconds, errors);
}
