// End-to-end tests of the back end: small programs compiled by the driver (buildSource), written as .mjs to a
// temporary directory and run with the runtime's runLocal (dist/, built by `npx tsc`) at several
// image counts; the output is checked against values computed here.

import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/driver/compile.js";

const dir = mkdtempSync(join(tmpdir(), "pgasc-codegen-e2e-"));

async function run(name: string, text: string, images: number, args: string[] = []): Promise<{ status: number; out: string; err: string }> {
  const built = await buildSource(text, `${name}.pgas`);
  if (!built.ok || built.js === undefined) throw new Error(built.diagnostics.map((d) => d.message).join("\n"));
  const js = built.js;
  const program = join(dir, `${name}.mjs`);
  writeFileSync(program, js);
  const outFile = join(dir, `${name}.${images}.out`);
  const errFile = join(dir, `${name}.${images}.err`);
  const stdoutFd = openSync(outFile, "w");
  const stderrFd = openSync(errFile, "w");
  // @ts-ignore -- the runtime is loaded from the build output (dist/), as `pgasc run` does
  const { runLocal } = await import("../../dist/runtime/launcher/run-local.js");
  const status: number = await runLocal({ program, images, args, stdoutFd, stderrFd, timeoutSeconds: 30 });
  closeSync(stdoutFd);
  closeSync(stderrFd);
  return { status, out: readFileSync(outFile, "utf8"), err: readFileSync(errFile, "utf8") };
}

const IMAGES = [1, 2, 3, 4];

describe("compiled programs run", () => {
  it("shared arrays: forall owned loops, remote sections, elementwise with a remote operand", async () => {
    const text = `
const N = 37
const P = num_images()
const me = this_image()
shared x: int(N) cyclic(4)
shared y: float(N) block
var c: float(8)[*]
var a: float(8)
forall i in 0..N on x(i) { x(i) = i * i }
forall i in 0..N - 1 on y(i + 1) { y(i + 1) = float(i) }
for k in 0..8 { c(k) = float(me * 10 + k) }
sync all
var s = 0
for i in 0..N { s += x(i) }
a(:) = c(:)[(me + 1) % P] * 2.0 + 1.0
var t = 0.0
for i in 0..N { t += y(i) }
print(me, s, t, a(0), a(7))
`;
    for (const P of IMAGES) {
      const r = await run("shared", text, P);
      expect(r.status, r.err).toBe(0);
      const lines = r.out.trim().split("\n").sort();
      const s = Array.from({ length: 37 }, (_, i) => i * i).reduce((x, y) => x + y);
      const t = (35 * 36) / 2;
      const expected = Array.from({ length: P }, (_, me) => {
        const nb = (me + 1) % P;
        return `${me} ${s} ${t.toFixed(1)} ${(nb * 10 * 2 + 1).toFixed(1)} ${((nb * 10 + 7) * 2 + 1).toFixed(1)}`;
      }).sort();
      expect(lines).toEqual(expected);
    }
  });

  it("2-D coarray halo exchange with strided sections, collectives and atomics", async () => {
    const text = `
const R = 3
const C = 5
const P = num_images()
const me = this_image()
var g: int(R, C)[*]
var hits: int[*]
for i in 0..R { for j in 0..C { g(i, j) = me * 100 + i * 10 + j } }
sync all
g(0:R, 0)[(me + 1) % P] = g(0:R, 4)
sync all
atomic_add(hits[0], me + 1)
var v: int(3)
v(0) = g(0, 0)
v(1) = g(2, 0)
v(2) = me
co_sum(v)
var m = me
co_max(m)
sync all
if me == 0 { print(v(0), v(1), v(2), m, atomic_ref(hits[0])) }
`;
    for (const P of IMAGES) {
      const r = await run("halo", text, P);
      expect(r.status, r.err).toBe(0);
      let v0 = 0;
      let v1 = 0;
      for (let me = 0; me < P; me++) {
        const left = (me + P - 1) % P;
        v0 += left * 100 + 4;
        v1 += left * 100 + 24;
      }
      expect(r.out).toBe(`${v0} ${v1} ${(P * (P - 1)) / 2} ${P - 1} ${(P * (P + 1)) / 2}\n`);
    }
  });

  it("a runtime error names the variable and the .pgas line", async () => {
    const text = `var a: float(4)
for i in 0..5 {
  a(i) = 1.0
}
`;
    const r = await run("oob", text, 2);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/oob\.pgas:3/);
    expect(r.err).toMatch(/'a'/);
  });
});
