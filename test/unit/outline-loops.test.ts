// The shape that issue 11's speed rests on (compiler/lower/outline-loops.ts): a loop nested in a
// top-level loop, and the loop of a user function, run in small functions of their own that get
// their arrays as captured constants from a factory, cached while the same arrays come in; what
// cannot be outlined stays inline. Reads the generated TypeScript; runs nothing, times nothing.

import { describe, expect, it } from "vitest";
import { buildSource } from "../../compiler/driver/compile.js";

async function ts(text: string): Promise<string> {
  const result = await buildSource(text, "t.pgas");
  if (!result.ok || result.ts === undefined) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  return result.ts;
}

const ARRAYS = "const n = 1000\nvar a: float(n)\nvar b: float(n)\nvar c: float(n)\n";

describe("outlined loops", () => {
  it("a top-level sweep loop calls its inner loop, made by a factory over the arrays", async () => {
    const code = await ts(ARRAYS + "for k in 0..200 {\n  for i in 0..n { a(i) += b(i) + 3.0 * c(i) }\n}\n");
    // the factory takes the proven arrays and returns the loop, which takes only scalars
    expect(code).toMatch(/function (\$L\d+)\$make\(\$a\d+: Float64Array, \$b\d+: Float64Array, \$c\d+: Float64Array\): \(\$n\d+: number\) => void \{\s*function \1\(\$n\d+: number\): void \{\s*for \(let i\$?\d* = 0;/);
    // at the site: made again only when another array comes in, then called once per sweep
    expect(code).toMatch(/for \(let k = 0; k < 200; k\+\+\) \{\s*(?:\/\/ @pgas \d+:\d+\s*)?if \((\$L\d+)\$k0 !== \$a\d+ \|\| \1\$k1 !== \$b\d+ \|\| \1\$k2 !== \$c\d+\) \{[^}]*\1 = \1\$make\(\$a\d+, \$b\d+, \$c\d+\);\s*\}\s*\1\(\$n\d+\);/);
  });

  it("a user function's loop runs in an outlined function too; its one assigned scalar is returned", async () => {
    const code = await ts(ARRAYS + "fn dot(x: float(:), y: float(:)) -> float {\n  var s = 0.0\n  for i in 0..size(x) { s += x(i) * y(i) }\n  return s\n}\nprint(dot(a, b))\n");
    expect(code).toMatch(/function (\$L\d+)\$make\(x\$?\d*: Float64Array, y\$?\d*: Float64Array\): \((\$hi\d+): number, (s\$?\d*): number\) => number/);
    expect(code).toMatch(/\bs\$?\d* = \$L\d+\(\$hi\d+, s\$?\d*\);/);
  });

  it("a top-level loop that is not inside another loop stays in main", async () => {
    const code = await ts(ARRAYS + "for i in 0..n { a(i) = 1.0 }\n");
    expect(code).not.toMatch(/\$L\d+/);
  });

  it("a loop that assigns two scalars of its function, or leaves it with return, stays inline", async () => {
    const two = await ts(ARRAYS + "fn f(x: float(:)) -> float {\n  var s = 0.0\n  var m = 0.0\n  for i in 0..size(x) { s += x(i); m = max(m, x(i)) }\n  return s + m\n}\nprint(f(a))\n");
    expect(two).not.toMatch(/\$L\d+\$make/);
    const early = await ts(ARRAYS + "fn g(x: float(:)) -> int {\n  for i in 0..size(x) { if x(i) > 1.0 { return i } }\n  return -1\n}\nprint(g(a))\n");
    expect(early).not.toMatch(/\$L\d+\$make/);
  });
});
