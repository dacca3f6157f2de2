/* C baseline of the local loops (issue 11): nstream triad, transpose and the radius-2 star
 * stencil, as bench/kernels/loops/*.pgas run them at one image, written plainly and compiled with
 * `cc -O3` by the bench. Arguments: KERNEL SIZE ITERATIONS. Prints the kernel's RESULT line. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double *array(long n, double value) {
  double *p = malloc(sizeof(double) * (n > 0 ? n : 1));
  if (!p) { printf("INVALID out of memory\n"); exit(1); }
  for (long i = 0; i < n; i++) p[i] = value;
  return p;
}

static void report(const char *result, const char *unit, double units, double seconds, long errors) {
  if (errors) { printf("INVALID %s: %ld wrong results\n", result, errors); exit(1); }
  printf("RESULT %s %.6f %s\n", result, units / seconds / 1e6, unit);
}

static void triad(long n, double *restrict a, const double *restrict b, const double *restrict c, double s) {
  for (long i = 0; i < n; i++) a[i] += b[i] + s * c[i];
}

static void nstream(long n, int iterations) {
  double *a = array(n, 0), *b = array(n, 2), *c = array(n, 2);
  double t = now();
  for (int k = 0; k < iterations; k++) triad(n, a, b, c, 3.0);
  t = now() - t;
  double expected = iterations * (2 + 3.0 * 2);
  long errors = 0;
  for (long i = 0; i < n; i++) if (fabs(a[i] - expected) > 1e-9 * expected) errors++;
  report("loops_nstream_rate", "MB/s", 4.0 * 8 * n * iterations, t, errors);
}

static void transpose_step(long m, double *restrict a, double *restrict b) {
  for (long i = 0; i < m; i++)
    for (long j = 0; j < m; j++) b[i * m + j] += a[j * m + i];
  for (long i = 0; i < m; i++)
    for (long j = 0; j < m; j++) a[i * m + j] += 1;
}

static void transpose(long m, int iterations) {
  double *a = array(m * m, 0), *b = array(m * m, 0);
  for (long i = 0; i < m * m; i++) a[i] = i;
  double t = now();
  for (int k = 0; k < iterations; k++) transpose_step(m, a, b);
  t = now() - t;
  double K = iterations;
  long errors = 0;
  for (long i = 0; i < m; i++)
    for (long j = 0; j < m; j++) {
      double expected = K * (j * m + i) + K * (K - 1) / 2;
      if (fabs(b[i * m + j] - expected) > 1e-9 * expected + 1e-9) errors++;
    }
  report("loops_transpose_rate", "MB/s", 2.0 * 8 * m * m * iterations, t, errors);
}

enum { R = 2 };

static void stencil_step(long rows, long n, double *restrict grid, double *restrict out) {
  for (long i = R; i < rows + R; i++)
    for (long j = R; j < n - R; j++) {
      long p = i * n + j;
      out[(i - R) * n + j] += (grid[p + 1] - grid[p - 1] + grid[p + n] - grid[p - n]) * 0.25 +
                              (grid[p + 2] - grid[p - 2] + grid[p + 2 * n] - grid[p - 2 * n]) * 0.125;
    }
  for (long k = 0; k < (rows + 2 * R) * n; k++) grid[k] += 1;
}

static void stencil(long n, int iterations) {
  long rows = n;
  double *grid = array((rows + 2 * R) * n, 0), *out = array(rows * n, 0);
  for (long i = 0; i < rows + 2 * R; i++)
    for (long j = 0; j < n; j++) grid[i * n + j] = i + j;
  double t = now();
  for (int k = 0; k < iterations; k++) stencil_step(rows, n, grid, out);
  t = now() - t;
  double expected = 2.0 * iterations;
  long errors = 0;
  for (long i = 0; i < rows; i++)
    for (long j = R; j < n - R; j++) if (fabs(out[i * n + j] - expected) > 1e-9 * expected) errors++;
  report("loops_stencil_rate", "MFlop/s", (2.0 * (4 * R + 1) + 1) * rows * (n - 2 * R) * iterations, t, errors);
}

int main(int argc, char **argv) {
  if (argc < 4) { printf("INVALID usage: loops KERNEL SIZE ITERATIONS\n"); return 1; }
  long size = atol(argv[2]);
  int iterations = atoi(argv[3]);
  if (!strcmp(argv[1], "nstream")) nstream(size, iterations);
  else if (!strcmp(argv[1], "transpose")) transpose(size, iterations);
  else if (!strcmp(argv[1], "stencil")) stencil(size, iterations);
  else { printf("INVALID unknown kernel %s\n", argv[1]); return 1; }
  return 0;
}
