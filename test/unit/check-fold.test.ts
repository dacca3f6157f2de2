// Unit tests of the checker's constant folding (32-bit int semantics) and of the collective-size
// rule (sizes built only from literals, invariant consts, num_images(), arg_int/arg_float).
// Consumes small programs through the parser and checker; asserts folded values and diagnostics.

import { describe, expect, it } from "vitest";
import type { ConstDecl, Program } from "../../compiler/ast/nodes.js";
import { checkProgram } from "../../compiler/check/check.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { parseProgram } from "../../compiler/syntax/parse.js";

function checked(text: string): { program: Program; codes: string[]; messages: string[] } {
  const sink = new DiagnosticSink("t.pgas");
  const program = parseProgram(text, "t.pgas", sink);
  expect(sink.diagnostics.map((d) => d.message)).toEqual([]);
  checkProgram(program, sink);
  const diags = sink.sorted();
  return { program, codes: diags.map((d) => d.code), messages: diags.map((d) => d.message) };
}

/** The folded value of `const X = <expr>` (undefined when not foldable). */
function fold(expr: string, prelude = ""): unknown {
  const { program, codes } = checked(`${prelude}\nconst X = ${expr}\n`);
  expect(codes).toEqual([]);
  const decl = program.body.find((s) => s.kind === "ConstDecl" && s.name.text === "X") as ConstDecl;
  return program.symbols![decl.symbol!]!.constValue;
}

describe("constant folding", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["7 / 2", 3],
    ["-7 / 2", -3],
    ["-7 % 3", -1],
    ["7 % -3", 1],
    ["2147483647 + 1", -2147483648],
    ["65536 * 65536", 0],
    ["-2 ** 2", -4],
    ["2 ** 3 ** 2", 512],
    ["2 ** -1", 0],
    ["1 ** -5", 1],
    ["(-1) ** -3", -1],
    ["1 << 33", 2],
    ["-8 >> 1", -4],
    ["0xFFFFFFFF", -1],
    ["0x7FFFFFFF + 0x1", -2147483648],
    ["~0", -1],
    ["5 & 3 | 8 ^ 1", 8], // | and ^ bind like +, & like *,
    ["7.0 / 2", 3.5],
    ["1.5 * 2", 3],
    ["5.5 % 2.0", 1.5],
    ["2 ** 0.5", Math.SQRT2],
    ["\"a\" + \"b\"", "ab"],
    ["\"a\" == \"a\"", true],
    ["1 < 2 && !false", true],
    ["false && (1 / 0 == 0)", false],
    ["float(3) / 2", 1.5],
    ["int(-2.7)", -2],
    ["abs(-3) + min(4, 2) + max(1, 9)", 14],
  ])("%s", (expr, value) => {
    expect(fold(expr)).toBe(value);
  });

  it("reads other consts transitively", () => {
    expect(fold("N * 2 + M", "const N = 10\nconst M = N - 1")).toBe(29);
  });

  it("does not fold what fails or varies at run time", () => {
    expect(fold("1 / 0")).toBeUndefined();
    expect(fold("7 % 0")).toBeUndefined();
    expect(fold("0 ** -1")).toBeUndefined();
    expect(fold("num_images()")).toBeUndefined();
    expect(fold("this_image() + 1")).toBeUndefined();
    expect(fold("v + 1", "var v = 2")).toBeUndefined();
  });
});

describe("collective sizes", () => {
  const ok = [
    "var c: float(10)[*]",
    "const N = 10\nvar c: float(N)[*]",
    "const N = 10\nconst M = N * 2\nvar c: float(M, N)[*]",
    "var c: float(num_images() * 4)[*]",
    "const P = num_images()\nshared x: float(P * 8) cyclic(P)",
    "var c: int(arg_int(0, 100))[*]",
    "const K = 3\nvar c: int(arg_int(K, K * 2) + int(arg_float(1, 2.5)))[*]",
    "shared x: float(max(16, num_images())) block",
    "var v = 3\nvar local: float(v)",
  ];
  it.each(ok)("accepts %j", (text) => {
    expect(checked(text).codes).toEqual([]);
  });

  const bad: [string, string][] = [
    ["var n = 4\nvar c: float(n)[*]", "the variable 'n'"],
    ["var c: float(this_image() + 1)[*]", "'this_image()'"],
    ["const ME = this_image()\nvar c: float(ME)[*]", "the const 'ME'"],
    ["const ME = this_image()\nconst M2 = ME * 2\nvar c: float(M2)[*]", "the const 'M2'"],
    ["var n = 4\nvar c: int(arg_int(n, 4))[*]", "the variable 'n'"],
    ["var n = 4\nshared x: float(16) cyclic(n)", "the variable 'n'"],
    ["fn f() -> int { return 3 }\nvar c: float(f())[*]", "a call of the function 'f'"],
    ["var r = random()\nvar c: float(int(r * 10.0))[*]", "the variable 'r'"],
    ["var c: float(int(random() * 10.0))[*]", "'random()'"],
    ["var a: int(2)\nvar c: float(a(0))[*]", "an element of 'a'"],
  ];
  it.each(bad)("rejects %j", (text, culprit) => {
    const { codes, messages } = checked(text);
    expect(codes).toEqual(["E2016"]);
    expect(messages[0]).toContain(culprit);
  });
});
