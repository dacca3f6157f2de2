// Unit tests of bounds-check versioning (compiler/lower/hoist-bounds-checks.ts, affine-index.ts):
// compiles small programs with the real compiler, reads the generated TypeScript to see which
// shapes get an unchecked fast copy, and runs the JavaScript against a mock Runtime to prove that
// out-of-range accesses still fail at the right iteration with the right message.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/driver/compile.js";
import { formatValue } from "../../runtime/support/format.js";

class MockFailure extends Error {}

const dir = mkdtempSync(join(tmpdir(), "pgasc-versioning-"));
let counter = 0;

interface Compiled {
  ts: string;
  run(args?: number[]): { lines: string[]; error?: string };
}

async function compile(text: string): Promise<Compiled> {
  const result = await buildSource(text, "test.pgas");
  if (!result.ok || !result.js || !result.ts) {
    throw new Error(result.diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.message}`).join("\n"));
  }
  const file = join(dir, `m${counter++}.mjs`);
  writeFileSync(file, result.js);
  const { main } = (await import(pathToFileURL(file).href)) as { main: (rt: unknown) => void };
  const run = (args: number[] = []) => {
    const lines: string[] = [];
    const fail = (m: string): never => {
      throw new MockFailure(m);
    };
    const rt = {
      thisImage: () => 0,
      numImages: () => 1,
      print: (s: string) => lines.push(s),
      str: (v: number | boolean, kind: "int" | "float" | "bool") => formatValue(v, kind),
      fail,
      indexError: (name: string, ix: number[], ext: number[]) =>
        fail(`index ${ix.join(", ")} is out of bounds for '${name}' (extents ${ext.join(", ")})`),
      argInt: (i: number, d: number) => args[i] ?? d,
      toInt: (x: number) => Math.trunc(x),
      syncAll: () => {},
    };
    try {
      main(rt);
      return { lines };
    } catch (e) {
      if (e instanceof MockFailure) return { lines, error: e.message };
      throw e;
    }
  };
  return { ts: result.ts, run };
}

/** The generated code from the first line containing `from` on (the statement of interest). */
function codeFrom(ts: string, from: string): string {
  const at = ts.indexOf(from);
  if (at < 0) throw new Error(`no '${from}' in:\n${ts}`);
  return ts.slice(at);
}

/** The `then` branch of the first versioned loop after `from`: the fast copy, with the loops it outlined. */
function fastCopy(ts: string, from: string): string {
  const code = codeFrom(ts, from);
  const end = code.indexOf("} else {");
  if (end < 0) throw new Error(`no versioned loop after '${from}':\n${code}`);
  return withOutlined(code.slice(0, end), ts);
}

/** `code` followed by the source of each outlined loop it calls (outline-loops.ts), recursively. */
function withOutlined(code: string, ts: string, seen = new Set<string>()): string {
  let out = code;
  for (const [, name] of code.matchAll(/(\$L\d+)\(/g)) {
    if (seen.has(name!)) continue;
    seen.add(name!);
    const at = [`function ${name}$make(`, `function ${name}(`].map((h) => ts.indexOf(h)).find((i) => i >= 0);
    if (at === undefined) continue;
    let depth = 0;
    let stop = ts.indexOf("{", at);
    for (; stop < ts.length; stop++) {
      if (ts[stop] === "{") depth++;
      else if (ts[stop] === "}" && --depth === 0) break;
    }
    out += "\n" + withOutlined(ts.slice(at, stop + 1), ts, seen);
  }
  return out;
}

describe("versioning fires on the intended shapes", () => {
  it("stencil rows: `out(i - R, j) +=` with i from the outer loop and index temporaries", async () => {
    const { ts } = await compile(`
const R = 2
const N = arg_int(0, 12)
var grid: float(N, N)
var out: float(N, N)
for i in R..N - R {
  for j in R..N - R {
    out(i - R, j) += grid(i, j + 1) - grid(i, j - 2) + grid(i + 1, j) - grid(i - 2, j)
  }
}
`);
    const fast = fastCopy(ts, "@pgas 6:1");
    // one guard before the whole nest, every access unchecked, row bases computed once per row
    expect(fast).not.toContain("$ck2");
    expect(fast).toMatch(/\{\s*const \$out\d+ = out;\s*const \$grid\d+ = grid;\s*for \(let i = R;/);
    expect(fast).toMatch(/const \$row\d+ = \(i - R\) \* out\$c;/);
    expect(fast).toMatch(/const \$row\d+ = i \* grid\$c;/);
    expect(fast).toMatch(/\$grid\d+\[\$row\d+ \+ j - 2\]/);
    expect(fast).not.toMatch(/\| 0\)?\]/); // no wrapping inside the proven indices
    // the fallback still has the checked copy, itself versioned per row
    expect(withOutlined(codeFrom(ts, "@pgas 6:1"), ts)).toContain(`out[$ck2($i`);
  });

  it("transposed reads: `b(i, c0 + k) += t(k, i)` strides by the row length", async () => {
    const { ts } = await compile(`
const n = arg_int(0, 4)
var b: float(n, 2 * n)
var t: float(n, n)
const c0 = n
for i in 0..n {
  for k in 0..n { b(i, c0 + k) += t(k, i) }
}
`);
    const fast = fastCopy(ts, "@pgas 6:1");
    expect(fast).not.toContain("$ck2");
    expect(fast).toMatch(/\$t\d+\[i \+ k \* \$t_c\d+\]/);
    expect(fast).toMatch(/const \$row\d+ = i \* b\$c \+ c0;/);
  });

  it("user constants in the body, literal scales and invariant expressions", async () => {
    const { ts } = await compile(`
const n = arg_int(0, 4)
var off = arg_int(1, 1)
var a: int(4 * n + 8)
for i in 0..n {
  const g = i + off
  a(2 * i + 1) = a(g) + a(3 * (i + 2) - off) + a(n - i)
}
`);
    const fast = fastCopy(ts, "@pgas 5:1");
    expect(fast).not.toContain("$ck1");
    expect(fast).toMatch(/\[2 \* i \+ 1\]/);
    expect(fast).toMatch(/\[n - i\]/);
    expect(fast).not.toContain("const g ="); // read only by the proven indices: dropped
  });

  it("keeps the check where the proof does not apply", async () => {
    const { ts } = await compile(`
const n = arg_int(0, 4)
var a: int(n * n)
var c = 0
fn bump() { c += 1 }
for i in 0..n { a(i * i) = 1 }
for i in 0..n { a(i + c) = 1; c += 1 }
for i in 0..n { bump(); a(i + c) = 1 }
`);
    for (const [line, next] of [["@pgas 6:1", "@pgas 7:1"], ["@pgas 7:1", "@pgas 8:1"], ["@pgas 8:1", "function bump"]] as const) {
      const code = codeFrom(ts, line).slice(0, codeFrom(ts, line).indexOf(next));
      expect(code, line).toContain("$ck1");
      expect(code, line).not.toContain("} else {");
    }
  });

  it("a triangular nest is versioned per row, not as a whole", async () => {
    const { ts } = await compile(`
const n = arg_int(0, 4)
var m: float(n, n)
for i in 0..n {
  for j in i..n { m(i, j) = 1.0 }
}
`);
    const nest = codeFrom(ts, "@pgas 4:1");
    expect(nest.trimStart().slice("@pgas 4:1".length).trimStart()).toMatch(/^for \(let i = 0/);
    expect(fastCopy(ts, "@pgas 5:3")).not.toContain("$ck2");
  });
});

describe("versioned loops fail at the right iteration with the right message", () => {
  it("the last row of a 2-level nest out of range: every earlier element is done first", async () => {
    const p = await compile(`
const rows = arg_int(0, 3)
const cols = arg_int(1, 4)
var m: int(arg_int(2, 3), cols)
for i in 0..rows {
  for j in 0..cols {
    print(i, j)
    m(i + 1, j) = 1
  }
}
`);
    expect(p.run([3, 4, 4]).lines).toHaveLength(12);
    const r = p.run([3, 4]);
    expect(r.lines).toHaveLength(9); // rows 0 and 1, then the print before the failing access
    expect(r.lines.slice(-2)).toEqual(["1 3", "2 0"]);
    expect(r.error).toBe("index 3, 0 is out of bounds for 'm' (extents 3, 4)");
  });

  it("an invariant column offset one past the end fails on the first row's last iteration", async () => {
    const p = await compile(`
const off = arg_int(0, 0)
var m: float(2, 3)
for i in 0..2 {
  for j in 0..3 {
    print(i, j)
    m(i, j + off) += 1.0
  }
}
print(m(1, 2))
`);
    expect(p.run([0]).lines).toEqual(["0 0", "0 1", "0 2", "1 0", "1 1", "1 2", "1.0"]);
    const r = p.run([1]);
    expect(r.lines).toEqual(["0 0", "0 1", "0 2"]);
    expect(r.error).toBe("index 0, 3 is out of bounds for 'm' (extents 2, 3)");
  });

  it("stencil shape: a halo read one row short fails at the first point of the last row", async () => {
    const p = await compile(`
const n = arg_int(0, 4)
var g: float(n, n)
var out: float(n, n)
var count = 0
for i in 1..n {
  for j in 1..n - 1 {
    out(i - 1, j) += g(i + 1, j) + g(i, j - 1)
    count += 1
  }
}
print(count)
`);
    const r = p.run([4]);
    // rows 1 and 2 complete (2 points each), row 3 reads g(4, 1) at once
    expect(r.error).toBe("index 4, 1 is out of bounds for 'g' (extents 4, 4)");
    const q = await compile(`
const n = arg_int(0, 4)
var g: float(n, n)
var count = 0
for i in 1..n {
  for j in 1..n - 1 {
    if i + 1 < n { count += int(g(i + 1, j)) + 1 }
  }
}
print(count)
`);
    expect(q.run([4]).lines).toEqual(["4"]); // the guarded halo read never runs out of range
  });

  it("a loop going one past the end on its last iteration prints everything before failing", async () => {
    const p = await compile(`
const n = arg_int(0, 5)
var a: int(5)
var b: int(7)
for i in 0..n {
  print(i)
  b(i + 1) = a(i)
}
`);
    expect(p.run([5]).lines).toEqual(["0", "1", "2", "3", "4"]);
    const r = p.run([6]);
    expect(r.lines).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(r.error).toBe("index 5 is out of bounds for 'a' (extents 5)");
  });

  it("int wrap: an index that overflows is out of bounds; one that wraps back is in bounds", async () => {
    const p = await compile(`
const big = arg_int(0, 2147483647)
var a: int(4)
for i in 0..3 {
  a(i + big + big + 2) = i + 10     // i + 2^32 wraps to i
}
print(a(0), a(1), a(2))
for i in 0..3 {
  print(i)
  a(i + big) = 1                    // 2147483647, then -2147483648
}
`);
    const r = p.run();
    expect(r.lines).toEqual(["10 11 12", "0"]);
    expect(r.error).toBe("index 2147483647 is out of bounds for 'a' (extents 4)");
  });

  it("steps other than 1, up and down, fail at the first bad iteration", async () => {
    const p = await compile(`
const n = arg_int(0, 8)
var a: int(8)
for i in 0..10 by 3 {
  print(i)
  a(i) = 1
}
`);
    expect(p.run().lines).toEqual(["0", "3", "6", "9"]);
    expect(p.run().error).toBe("index 9 is out of bounds for 'a' (extents 8)");
    const q = await compile(`
var a: int(8)
for i in 7..-3 by -2 {
  print(i)
  a(i) = 1
}
for i in 5..0 { a(i + 100) = 1 }    // never runs: no error
`);
    const r = q.run();
    expect(r.lines).toEqual(["7", "5", "3", "1", "-1"]);
    expect(r.error).toBe("index -1 is out of bounds for 'a' (extents 8)");
  });
});
