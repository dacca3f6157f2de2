// Hand-written JavaScript baselines of the local loops: the same nstream triad, transpose and
// radius-2 star stencil as bench/kernels/*.pgas run at one image, over Float64Arrays.
// Arguments: KERNEL and that kernel's .pgas arguments. Prints the same `RESULT` line, or INVALID.

const [kernel, ...rest] = process.argv.slice(2);
const arg = (i: number, fallback: number) => (rest[i] !== undefined ? Number(rest[i]) : fallback);
const now = () => performance.now() / 1000;

function fail(message: string): never {
  console.log(`INVALID ${message}`);
  process.exit(1);
}

function triad(a: Float64Array, b: Float64Array, c: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i]! + s * c[i]!;
}

function nstream(): void {
  const n = arg(0, 4_000_000);
  const iterations = arg(1, 20);
  const scalar = 3.0;
  const a = new Float64Array(n);
  const b = new Float64Array(n).fill(2);
  const c = new Float64Array(n).fill(2);
  triad(a, b, c, scalar);
  let t = now();
  for (let k = 0; k < iterations; k++) triad(a, b, c, scalar);
  t = now() - t;
  const expected = (iterations + 1) * (2 + scalar * 2);
  for (let i = 0; i < n; i++) if (Math.abs(a[i]! - expected) > 1e-8 * expected) fail("nstream: wrong elements");
  console.log(`RESULT nstream_rate ${(4 * 8 * n * iterations) / t / 1e6} MB/s`);
}

function transpose(): void {
  const N = arg(0, 1024);
  const iterations = arg(1, 10);
  const a = new Float64Array(N * N);
  const b = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) a[i * N + j] = i * N + j;
  const step = () => {
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) b[i * N + j] += a[j * N + i]!;
    for (let k = 0; k < N * N; k++) a[k] += 1;
  };
  step();
  let t = now();
  for (let k = 0; k < iterations; k++) step();
  t = now() - t;
  const K = iterations + 1;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const expected = K * (j * N + i) + (K * (K - 1)) / 2;
      if (Math.abs(b[i * N + j]! - expected) > 1e-8 * expected + 1e-8) fail("transpose: wrong elements");
    }
  }
  console.log(`RESULT transpose_rate ${(2 * 8 * N * N * iterations) / t / 1e6} MB/s`);
}

function stencil(): void {
  const R = 2;
  const N = arg(0, 1024);
  const iterations = arg(1, 10);
  const grid = new Float64Array(N * N);
  const out = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) grid[i * N + j] = i + j;
  const step = () => {
    for (let i = R; i < N - R; i++) {
      const row = i * N;
      for (let j = R; j < N - R; j++) {
        const p = row + j;
        out[p] +=
          (grid[p + 1]! - grid[p - 1]! + grid[p + N]! - grid[p - N]!) * 0.25 +
          (grid[p + 2]! - grid[p - 2]! + grid[p + 2 * N]! - grid[p - 2 * N]!) * 0.125;
      }
    }
    for (let k = 0; k < N * N; k++) grid[k] += 1;
  };
  step();
  let t = now();
  for (let k = 0; k < iterations; k++) step();
  t = now() - t;
  const expected = 2 * (iterations + 1);
  for (let i = R; i < N - R; i++) {
    for (let j = R; j < N - R; j++) {
      if (Math.abs(out[i * N + j]! - expected) > 1e-9 * expected) fail("stencil: wrong points");
    }
  }
  const active = (N - 2 * R) * (N - 2 * R);
  console.log(`RESULT stencil_rate ${((2 * (4 * R + 1) + 1) * active * iterations) / t / 1e6} MFlop/s`);
}

switch (kernel) {
  case "nstream":
    nstream();
    break;
  case "transpose":
    transpose();
    break;
  case "stencil":
    stencil();
    break;
  default:
    fail(`unknown kernel ${kernel}`);
}
