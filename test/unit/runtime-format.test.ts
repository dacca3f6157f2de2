// Unit tests for runtime/support/format.ts: floats as Python's repr, fixed() as printf("%.*f").
// Consumes the TypeScript sources directly (no worker threads here); expected strings were
// produced by CPython 3 (`repr(x)`, `'%.*f' % (d, x)`).

import { describe, expect, it } from "vitest";
import { formatFixed, formatValue, reprFloat, sourceExcerpt } from "../../runtime/support/format.js";

describe("reprFloat (Python repr)", () => {
  const cases: [number, string][] = [
    [0.1, "0.1"],
    [1 / 3, "0.3333333333333333"],
    [2 / 3, "0.6666666666666666"],
    [1e16, "1e+16"],
    [1e-5, "1e-05"],
    [-1e-7, "-1e-07"],
    [123456789012345680.0, "1.2345678901234568e+17"],
    [1.2345678901234568e20, "1.2345678901234568e+20"],
    [-0.0, "-0.0"],
    [0.0, "0.0"],
    [NaN, "nan"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [100.0, "100.0"],
    [3.0, "3.0"],
    [123.0, "123.0"],
    [1e22, "1e+22"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [1e15, "1000000000000000.0"],
    [9999999999999998.0, "9999999999999998.0"],
    [2 ** 53, "9007199254740992.0"],
    [0.0001, "0.0001"],
    [0.00012345, "0.00012345"],
    [2 ** -20, "9.5367431640625e-07"],
    [1.5, "1.5"],
    [-2.5, "-2.5"],
    [12345.678, "12345.678"],
    [0.3, "0.3"],
    [4.35, "4.35"],
    [1e-4 * 3, "0.00030000000000000003"],
  ];
  for (const [x, text] of cases) {
    it(`${text}`, () => expect(reprFloat(x)).toBe(text));
  }
});

describe("formatValue (str)", () => {
  it("ints in decimal", () => {
    expect(formatValue(42, "int")).toBe("42");
    expect(formatValue(-2147483648, "int")).toBe("-2147483648");
  });
  it("bools", () => {
    expect(formatValue(true, "bool")).toBe("true");
    expect(formatValue(0, "bool")).toBe("false");
    expect(formatValue(1, "bool")).toBe("true");
  });
  it("floats as repr", () => expect(formatValue(2, "float")).toBe("2.0"));
});

describe("formatFixed (printf %.*f)", () => {
  const cases: [number, number, string][] = [
    [3.14159, 2, "3.14"],
    [0.5, 0, "0"],
    [1.5, 0, "2"],
    [2.5, 0, "2"],
    [-2.5, 0, "-2"],
    [0.125, 2, "0.12"],
    [0.375, 2, "0.38"],
    [-0.0, 2, "-0.00"],
    [-0.001, 2, "-0.00"],
    [1e21, 2, "1000000000000000000000.00"],
    [2.675, 2, "2.67"],
    [0.045, 2, "0.04"],
    [99.995, 2, "100.00"],
    [1 / 3, 10, "0.3333333333"],
    [123.456, 0, "123"],
    [1e-10, 3, "0.000"],
    [5e-324, 3, "0.000"],
    [7, 3, "7.000"],
    [NaN, 2, "nan"],
    [Infinity, 1, "inf"],
    [-Infinity, 0, "-inf"],
  ];
  for (const [x, d, text] of cases) {
    it(`${x} with ${d} digits`, () => expect(formatFixed(x, d)).toBe(text));
  }
  it("huge values exactly", () => {
    expect(formatFixed(1e300, 1)).toBe(
      "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.0",
    );
  });
});

describe("sourceExcerpt", () => {
  it("formats the line as in language-notes.md", () => {
    expect(sourceExcerpt(["a", "b", "    c(i)[p] = 1"], 3)).toBe("    3 |     c(i)[p] = 1\n");
    expect(sourceExcerpt([], 3)).toBe("");
  });
});
