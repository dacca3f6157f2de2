// Unit tests of lowering, run on generated code: each program is compiled by the real front and
// back end, loaded as a module and its `main` run as one image of P against a mock Runtime (only
// the calls needed here). Covers forall owned-index iteration vs a brute-force owner filter for
// many (N, P, layout, lo, hi, offset), int wrap semantics, sections and bounds-check versioning.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { buildSource } from "../../compiler/driver/compile.js";
import { intDiv, intMod, intPow, floatToInt } from "../../runtime/support/int32.js";
import { formatFixed, formatValue } from "../../runtime/support/format.js";
import { blockSizeOf, localOffsetOf, ownerOf, partLengthOf } from "../../runtime/core/layout-math.js";

export class MockFailure extends Error {}

const dir = mkdtempSync(join(tmpdir(), "pgasc-lower-"));
let counter = 0;

export type CompiledMain = (rt: unknown) => void;

export async function compileToMain(text: string): Promise<CompiledMain> {
  const result = await buildSource(text, "test.pgas");
  if (!result.ok || !result.js) throw new Error(result.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join("\n"));
  const file = join(dir, `m${counter++}.mjs`);
  writeFileSync(file, result.js);
  const mod = (await import(pathToFileURL(file).href)) as { main: CompiledMain };
  return mod.main;
}

/** Runs `main` as image `me` of `images` (only the calls these tests need are implemented). */
export function runMock(main: CompiledMain, opts: { images?: number; me?: number; args?: number[] } = {}): { lines: string[]; error?: string } {
  const P = opts.images ?? 1;
  const me = opts.me ?? 0;
  const lines: string[] = [];
  const fail = (m: string): never => {
    throw new MockFailure(m);
  };
  const rt = {
    abiVersion: 1,
    thisImage: () => me,
    numImages: () => P,
    layoutImage: () => me,
    layoutImages: () => P,
    print: (s: string) => lines.push(s),
    str: (v: number | boolean, kind: "int" | "float" | "bool") => formatValue(v, kind),
    fixed: (x: number, d: number) => formatFixed(x, d),
    fail: (m: string) => fail(m),
    indexError: (name: string, ix: number[], ext: readonly number[]) => fail(`index ${ix.join(", ")} is out of bounds for '${name}' (extents ${ext.join(", ")})`),
    idiv: (a: number, b: number) => (b === 0 ? fail("division by zero") : intDiv(a, b)),
    imod: (a: number, b: number) => (b === 0 ? fail("division by zero") : intMod(a, b)),
    ipow: (a: number, b: number) => intPow(a, b) ?? fail("0 ** negative"),
    toInt: (x: number) => floatToInt(x) ?? fail("int() out of range"),
    argInt: (i: number, d: number) => opts.args?.[i] ?? d,
    argc: () => opts.args?.length ?? 0,
    syncAll: () => {},
    coReduce: (_op: string, _e: string, v: number) => v,
    shared: (name: string, elem: string, dims: number[], layout: "cyclic" | "block" | number) => {
      const length = dims.reduce((a, b) => a * b, 1);
      const blockSize = blockSizeOf(layout, length, P);
      const n = partLengthOf(me, length, blockSize, P);
      const local = elem === "float" ? new Float64Array(n) : new Int32Array(n);
      return { kind: "shared", name, elem, dims, length, blockSize, local };
    },
    owner: (h: { length: number; blockSize: number; name: string }, k: number) =>
      k < 0 || k >= h.length ? fail(`index ${k} is out of bounds for '${h.name}'`) : ownerOf(k, h.blockSize, P),
    localOffset: (h: { blockSize: number }, k: number) => localOffsetOf(k, h.blockSize, P),
    sget: (h: { length: number; blockSize: number; local: Int32Array; name: string }, k: number) => {
      if (k < 0 || k >= h.length) fail(`index ${k} is out of bounds for '${h.name}'`);
      if (ownerOf(k, h.blockSize, P) !== me) fail(`mock: remote element ${k}`);
      return h.local[localOffsetOf(k, h.blockSize, P)]!;
    },
    sput: (h: { length: number; blockSize: number; local: Int32Array; name: string }, k: number, v: number) => {
      if (k < 0 || k >= h.length) fail(`index ${k} is out of bounds for '${h.name}'`);
      if (ownerOf(k, h.blockSize, P) !== me) fail(`mock: remote element ${k}`);
      h.local[localOffsetOf(k, h.blockSize, P)] = v;
    },
  };
  try {
    main(rt);
    return { lines };
  } catch (e) {
    if (e instanceof MockFailure) return { lines, error: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------

const forallOwner = (layout: string) => `
const N = arg_int(0, 10)
const LO = arg_int(1, 0)
const HI = arg_int(2, 10)
const C = arg_int(3, 0)
shared x: int(N) ${layout}
forall i in LO..HI on x(i + C) {
  print(i)
}
`;

describe("forall owned-index loops", () => {
  for (const layout of ["cyclic", "block", "cyclic(3)", "cyclic(arg_int(4, 2))"]) {
    it(`on x(i + c), layout ${layout}, = brute-force owner filter`, async () => {
      const main = await compileToMain(forallOwner(layout));
      let cases = 0;
      for (const N of [0, 1, 5, 12, 31]) {
        for (const P of [1, 2, 3, 5, 8]) {
          for (const B of [1, 2, 4]) {
            for (const C of [0, 1, -2]) {
              for (const [lo, hi] of [[0, N], [2, N - 3], [3, 3], [5, 2], [-C || 0, N - C]]) {
                // affinity elements must lie inside x: otherwise an index error is expected
                const inRange = lo >= hi || (lo + C >= 0 && hi + C <= N);
                const blockSize = layout === "cyclic" ? 1 : layout === "block" ? Math.max(1, Math.ceil(N / P)) : layout === "cyclic(3)" ? 3 : B;
                const seen: number[] = [];
                for (let me = 0; me < P; me++) {
                  const r = runMock(main, { images: P, me, args: [N, lo!, hi!, C, B] });
                  if (!inRange) {
                    expect(r.error, `N=${N} P=${P} lo=${lo} hi=${hi} C=${C}`).toMatch(/out of bounds/);
                    continue;
                  }
                  expect(r.error).toBeUndefined();
                  const expected: number[] = [];
                  for (let i = lo!; i < hi!; i++) if (Math.floor((i + C) / blockSize) % P === me) expected.push(i);
                  expect(r.lines.map(Number), `N=${N} P=${P} me=${me} B=${blockSize} lo=${lo} hi=${hi} C=${C}`).toEqual(expected);
                  seen.push(...expected);
                  cases++;
                }
                if (inRange) expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: Math.max(0, hi! - lo!) }, (_, k) => lo! + k));
              }
            }
          }
        }
      }
      expect(cases).toBeGreaterThan(100);
    });
  }

  it("on i + c (int affinity) steps by P from the first matching index", async () => {
    const main = await compileToMain(`
const LO = arg_int(0, 0)
const HI = arg_int(1, 10)
const C = arg_int(2, 0)
forall i in LO..HI on i + C { print(i) }
forall i in LO..HI on C - i { print(-i) }
`);
    for (const P of [1, 2, 3, 7]) {
      for (const [lo, hi, C] of [[0, 20, 0], [-5, 9, 3], [4, 4, 1], [3, 17, -11], [10, 2, 0]]) {
        for (let me = 0; me < P; me++) {
          const r = runMock(main, { images: P, me, args: [lo!, hi!, C!] });
          const mod = (a: number) => ((a % P) + P) % P;
          const a: number[] = [];
          const b: number[] = [];
          for (let i = lo!; i < hi!; i++) if (mod(i + C!) === me) a.push(i);
          for (let i = lo!; i < hi!; i++) if (mod(C! - i) === me) b.push(-i || 0);
          expect(r.lines.map(Number)).toEqual([...a, ...b]);
        }
      }
    }
  });
});

describe("int semantics", () => {
  it("wraps to 32 bits and divides as C does", async () => {
    const main = await compileToMain(`
const A = arg_int(0, 0)
const B = arg_int(1, 1)
print(A + B, A - B, A * B, A / B, A % B, -A, A << B, A >> B, A ** 2, A / 7, A % 7)
`);
    const wrap = (x: bigint) => Number(BigInt.asIntN(32, x));
    const cases = [[2147483647, 1], [-2147483648, -1], [123456789, 987654], [-7, 2], [7, -2], [65536, 65536], [-1, 33]];
    for (const [a, b] of cases) {
      const r = runMock(main, { args: [a!, b!] });
      const A = BigInt(a!);
      const B = BigInt(b!);
      const expected = [
        wrap(A + B), wrap(A - B), wrap(A * B), wrap(A / B), wrap(A % B), wrap(-A),
        a! << b!, a! >> b!, wrap(A * A), wrap(A / 7n), wrap(A % 7n),
      ];
      expect(r.lines[0]).toBe(expected.join(" "));
    }
    expect(runMock(main, { args: [1, 0] }).error).toMatch(/division by zero/);
  });
});

describe("sections and loops", () => {
  it("copies overlapping sections as if through a temporary, and checks conformance", async () => {
    const main = await compileToMain(`
const N = arg_int(0, 6)
var a: int(N)
var m: int(3, N)
for i in 0..N { a(i) = i }
a(1:N) = a(0:N - 1)
m(1, :) = a
m(:, 0) = m(:, 1) * 10 + 1
a(0:N - 1) = a(1:N) + a(0:N - 1)
print(a(0), a(1), a(N - 1), m(0, 0), m(1, 0), m(1, 2), m(2, 0))
var b: int(N - 1)
b = a
`);
    const r = runMock(main, { args: [6] });
    // a = 0 0 1 2 3 4 → m(1,:) = a; m(:,0) = m(:,1)*10+1 = 1 1 1; a(0:5) = a(1:6)+a(0:5) = 0 1 3 5 7, a(5) = 4
    expect(r.lines).toEqual(["0 1 4 1 1 1 1"]);
    expect(r.error).toMatch(/do not conform: 5 and 6/);
  });

  it("versioned loops still fail at the right iteration", async () => {
    const main = await compileToMain(`
const N = arg_int(0, 5)
var a: float(5)
for i in 0..N {
  print(i)
  a(i) = 1.0
}
`);
    expect(runMock(main, { args: [5] }).lines).toHaveLength(5);
    const r = runMock(main, { args: [7] });
    expect(r.lines).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(r.error).toMatch(/index 5 is out of bounds for 'a'/);
  });

  it("for loops evaluate bounds once, step down, and reject step 0", async () => {
    const main = await compileToMain(`
var n = 3
for i in 0..n { n += 1; print(i) }
for i in 5..0 by -2 { print(i) }
var s = arg_int(0, 0)
for i in 0..3 by s { print(i) }
`);
    const r = runMock(main, { args: [0] });
    expect(r.lines).toEqual(["0", "1", "2", "5", "3", "1"]);
    expect(r.error).toMatch(/step of a for loop is 0/);
  });
});
