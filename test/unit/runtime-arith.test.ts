// Unit tests for runtime/support/int32.ts (32-bit int division, remainder, power, int(x)) and
// runtime/support/random.ts (reproducible per-image streams). Consumes the TypeScript sources.

import { describe, expect, it } from "vitest";
import { floatToInt, intDiv, intMod, intPow } from "../../runtime/support/int32.js";
import { Xoshiro128 } from "../../runtime/support/random.js";

describe("intDiv / intMod", () => {
  it("truncates toward zero", () => {
    expect(intDiv(7, 2)).toBe(3);
    expect(intDiv(-7, 2)).toBe(-3);
    expect(intDiv(7, -2)).toBe(-3);
    expect(intDiv(-7, -2)).toBe(3);
  });
  it("wraps -2^31 / -1", () => expect(intDiv(-2147483648, -1)).toBe(-2147483648));
  it("remainder takes the sign of the dividend", () => {
    expect(intMod(7, 3)).toBe(1);
    expect(intMod(-7, 3)).toBe(-1);
    expect(intMod(7, -3)).toBe(1);
    expect(intMod(-2147483648, -1)).toBe(0);
    expect(Object.is(intMod(-4, 2), 0)).toBe(true);
  });
  it("large quotients are exact", () => {
    expect(intDiv(2147483647, 1)).toBe(2147483647);
    expect(intDiv(2147483647, 2)).toBe(1073741823);
    expect(intDiv(-2147483648, 3)).toBe(-715827882);
  });
});

describe("intPow", () => {
  it("non-negative exponents wrap", () => {
    expect(intPow(2, 10)).toBe(1024);
    expect(intPow(2, 31)).toBe(-2147483648);
    expect(intPow(2, 32)).toBe(0);
    expect(intPow(3, 0)).toBe(1);
    expect(intPow(0, 0)).toBe(1);
    expect(intPow(-2, 3)).toBe(-8);
    expect(intPow(3, 21)).toBe(Math.imul(intPow(3, 20)!, 3));
  });
  it("negative exponents follow Fortran", () => {
    expect(intPow(2, -1)).toBe(0);
    expect(intPow(1, -5)).toBe(1);
    expect(intPow(-1, -3)).toBe(-1);
    expect(intPow(-1, -2)).toBe(1);
    expect(intPow(0, -1)).toBeNull();
  });
});

describe("floatToInt", () => {
  it("truncates", () => {
    expect(floatToInt(2.9)).toBe(2);
    expect(floatToInt(-2.9)).toBe(-2);
    expect(Object.is(floatToInt(-0.5), 0)).toBe(true);
    expect(floatToInt(2147483647.9)).toBe(2147483647);
    expect(floatToInt(-2147483648.9)).toBe(-2147483648);
  });
  it("rejects nan, inf and out-of-range values", () => {
    expect(floatToInt(NaN)).toBeNull();
    expect(floatToInt(Infinity)).toBeNull();
    expect(floatToInt(2147483648)).toBeNull();
    expect(floatToInt(-2147483649)).toBeNull();
  });
});

describe("Xoshiro128 streams", () => {
  it("are reproducible, differ per stream and per seed, stay in [0, 1)", () => {
    const a = new Xoshiro128(0, 0);
    const b = new Xoshiro128(0, 0);
    const c = new Xoshiro128(0, 1);
    const d = new Xoshiro128(1, 0);
    const xs = Array.from({ length: 1000 }, () => a.nextDouble());
    expect(Array.from({ length: 1000 }, () => b.nextDouble())).toEqual(xs);
    expect(c.nextDouble()).not.toBe(xs[0]);
    expect(d.nextDouble()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
  it("reseeding restarts the stream", () => {
    const a = new Xoshiro128(7, 3);
    const first = a.nextDouble();
    a.nextDouble();
    a.reseed(7, 3);
    expect(a.nextDouble()).toBe(first);
  });
});
