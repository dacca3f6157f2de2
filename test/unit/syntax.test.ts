// Unit tests of the syntax phase: the newline filter (LANGUAGE.md §1), literal values, and the
// never-throw / never-hang guarantees of parseProgram on hostile input.
// Consumes compiler/syntax/{lexer,parse}.ts; gives pass/fail.

import { describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { lex } from "../../compiler/syntax/lexer.js";
import { parseProgram, MAX_NESTING } from "../../compiler/syntax/parse.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import type { Program } from "../../compiler/ast/nodes.js";

/** The filtered token stream as text: newlines as `⏎`, implicit separators as `·`. */
function stream(text: string): string {
  const sink = new DiagnosticSink("t.pgas");
  const { tokens } = lex(text, sink);
  expect(sink.diagnostics).toEqual([]);
  return tokens
    .map((t) => (t.tokenType.name === "Newline" ? "⏎" : t.tokenType.name === "ImplicitSeparator" ? "·" : t.image))
    .join(" ");
}

function parse(text: string): { program: Program; codes: string[] } {
  const sink = new DiagnosticSink("t.pgas");
  const program = parseProgram(text, "t.pgas", sink);
  return { program, codes: sink.sorted().map((d) => d.code) };
}

describe("newline filter", () => {
  it("keeps a newline between statements and collapses blank lines", () => {
    expect(stream("x = 1\n\n\ny = 2")).toBe("x = 1 ⏎ y = 2 ·");
  });

  it("drops newlines inside ( ) and [ ]", () => {
    expect(stream("f(1,\n2\n)")).toBe("f ( 1 , 2 ) ·");
    expect(stream("c[\np\n]")).toBe("c [ p ] ·");
  });

  it("drops a newline after a binary operator, '=', compound assignment, ',', '..' and '->'", () => {
    for (const op of ["+", "-", "*", "/", "%", "**", "<<", ">>", "&", "|", "^", "&&", "||", "==", "!=", "<", "<=", ">", ">="]) {
      expect(stream(`x = a ${op}\nb`)).toBe(`x = a ${op} b ·`);
    }
    for (const op of ["=", "+=", "-=", "*=", "/="]) expect(stream(`x ${op}\n1`)).toBe(`x ${op} 1 ·`);
    expect(stream("for i in 0..\nn {}")).toBe("for i in 0 .. n { · } ·");
    expect(stream("fn f() ->\nint {}")).toBe("fn f ( ) -> int { · } ·");
  });

  it("keeps a newline before an operator (no continuation there)", () => {
    expect(stream("x = a\n+ b")).toBe("x = a ⏎ + b ·");
  });

  it("keeps newlines inside { } nested in brackets-free code", () => {
    expect(stream("if x {\ny = 1\n}")).toBe("if x { ⏎ y = 1 ⏎ · } ·");
  });

  it("inserts a separator before every '}' and at the end", () => {
    expect(stream("if x > 0 { y = 1 }")).toBe("if x > 0 { y = 1 · } ·");
    expect(stream("")).toBe("·");
  });

  it("treats a block comment spanning lines as a newline, and one on a line as nothing", () => {
    expect(stream("x = 1 /* a\nb */ y = 2")).toBe("x = 1 ⏎ y = 2 ·");
    expect(stream("x = 1 /* a */ + 2 // c")).toBe("x = 1 + 2 ·");
  });

  it("closes forgotten brackets at a line starting with a statement keyword", () => {
    expect(stream("x = f(1\nvar y = 2")).toBe("x = f ( 1 ⏎ var y = 2 ·");
  });

  it("lets '} else {' stay on one line and reports 'else' on the next", () => {
    expect(parse("if a { } else { }").codes).toEqual([]);
    expect(parse("if a { }\nelse { }").codes).toContain("E1026");
  });
});

describe("literals", () => {
  function valueOf(text: string): unknown {
    const { program, codes } = parse(`x = ${text}`);
    expect(codes).toEqual([]);
    const stmt = program.body[0]!;
    return stmt.kind === "AssignStmt" && "value" in stmt.value ? stmt.value.value : undefined;
  }
  it("keeps exact int values, hex and separators", () => {
    expect(valueOf("42")).toBe(42);
    expect(valueOf("0x2A")).toBe(42);
    expect(valueOf("1_000_000")).toBe(1000000);
    expect(valueOf("2147483648")).toBe(2147483648);
    expect(valueOf("0xFFFFFFFF")).toBe(4294967295);
  });
  it("reads floats and resolves string escapes", () => {
    expect(valueOf("1.5")).toBe(1.5);
    expect(valueOf(".5")).toBe(0.5);
    expect(valueOf("1e-8")).toBe(1e-8);
    expect(valueOf("2.5E3")).toBe(2500);
    expect(valueOf('"a\\n\\t\\"\\\\"')).toBe('a\n\t"\\');
  });
  it("lexes 0..n as int, '..', name", () => {
    expect(stream("for i in 0..n {}")).toBe("for i in 0 .. n { · } ·");
  });
});

describe("parseProgram never throws and never hangs", () => {
  it("accepts an empty file", () => {
    const { program, codes } = parse("");
    expect(codes).toEqual([]);
    expect(program.body).toEqual([]);
  });

  it("reports garbage bytes", () => {
    for (let i = 0; i < 20; i++) {
      const { codes } = parse(randomBytes(4096).toString("latin1"));
      expect(codes.length).toBeGreaterThan(0);
    }
  });

  // Never hangs and never throws: each input ends with its diagnostics (how fast is measured by
  // bench/check-speed.ts). One test per input so the worker reports between the long parses.
  const M = 10 * 1024 * 1024;
  const hugeInputs: [string, () => string, string[]][] = [
    ["a", () => "a".repeat(M), ["E1051"]],
    ["+", () => "+".repeat(M), ["E1033"]],
    [";", () => ";".repeat(M), ["E1033"]],
    ["@", () => "@".repeat(M), ["E1001", "E1030"]],
    ["an unterminated string", () => '"' + "x".repeat(M), ["E1002", "E1051"]],
    ["an unterminated comment", () => "/*" + "x".repeat(M), ["E1003"]],
    ["'1 '", () => "1 ".repeat(M / 2), ["E1033"]],
  ];
  for (const [what, make, expected] of hugeInputs) {
    it(`ends with a diagnostic on 10 MB of ${what}`, { timeout: 300_000 }, () => {
      expect([...new Set(parse(make()).codes)].sort()).toEqual(expected);
    });
  }

  it("refuses nesting deeper than the limit with a diagnostic, accepts the limit", { timeout: 300_000 }, () => {
    const nested = (n: number) => "x = " + "(".repeat(n) + "1" + ")".repeat(n);
    expect(parse(nested(MAX_NESTING)).codes).toEqual([]);
    expect(parse(nested(MAX_NESTING + 1)).codes).toEqual(["E1027"]);
    expect(parse(nested(100_000)).codes).toEqual(["E1027"]);
    expect(parse("if x {\n".repeat(MAX_NESTING) + "}\n".repeat(MAX_NESTING)).codes).toEqual([]);
    const calls = "x = " + "f(a, ".repeat(MAX_NESTING) + "1" + ")".repeat(MAX_NESTING);
    expect(parse(calls).codes).toEqual([]);
  });

  // One test per chain: each parse is long and synchronous, and the worker reports in between.
  for (const [what, text] of [
    ["unary minus", "x = " + "-".repeat(100_000) + "1"],
    ["power", "x = " + "2**".repeat(100_000) + "1"],
    ["addition", "x = 1" + " + 1".repeat(100_000)],
  ]) {
    it(`refuses an absurdly long chain of ${what} instead of overflowing later phases`, { timeout: 300_000 }, () => {
      expect(parse(text!).codes).toEqual(["E1031"]);
    });
  }

  it("reports unterminated strings and comments", () => {
    expect(parse('x = "abc').codes).toEqual(["E1002"]);
    expect(parse("x = 1\n/* open").codes).toEqual(["E1003"]);
    expect(parse('print("a\\q")').codes).toEqual(["E1004"]);
  });

  it("stops after too many errors", () => {
    const { codes } = parse("x = )\n".repeat(10_000));
    expect(codes.length).toBeLessThanOrEqual(102);
    expect(codes).toContain("E1030");
  });

  it("parses a 5,000-line program without diagnostics", () => {
    const unit = `
fn dot(a: float(:), b: float(:)) -> float {
  var s = 0.0
  for i in 0..size(a) { s += a(i) * b(i) }
  return s
}
shared x: float(N) block
var c: float(N)[*]
forall i in 0..N on x(i) { x(i) = float(i) * 2.0 ** -1 }
if this_image() == 0 { c(0:n)[1] = a(0:n) } else if q { sync images(*) } else { error stop "no" }
`;
    const text = unit.replace(/fn dot/, "fn dot").repeat(Math.ceil(5000 / 10));
    const { program, codes } = parse(text);
    expect(codes).toEqual([]);
    expect(program.body.length).toBe(500 * 5);
  });
});
