// Integer arithmetic with the language's 32-bit semantics (LANGUAGE.md §2, §4; language-notes),
// written once for both users: the checker's constant folding and the runtime. Consumes int32
// operands; produces wrapped int32 results, or null where the runtime raises an error.
// A leaf with no imports, kept with the runtime: the compiler already depends on runtime/ (the
// ABI) and the runtime never imports the compiler, so both use this one file without a cycle.

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** Truncating division; -2^31 / -1 wraps to -2^31. Caller checks b !== 0. */
export function intDiv(a: number, b: number): number {
  return Math.trunc(a / b) | 0;
}

/** Remainder with the sign of the dividend (C). Caller checks b !== 0. */
export function intMod(a: number, b: number): number {
  return (a % b) | 0;
}

/**
 * a ** b for ints. Non-negative b: repeated squaring with 32-bit wrap. Negative b (Fortran):
 * 1/(a**-b) truncated: 1 for a = 1, ±1 for a = -1, 0 otherwise; a = 0 is an error (null).
 */
export function intPow(a: number, b: number): number | null {
  if (b < 0) {
    if (a === 0) return null;
    if (a === 1) return 1;
    if (a === -1) return (b & 1) === 0 ? 1 : -1;
    return 0;
  }
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/** `int(x)`: truncation toward zero, or null when x is nan, infinite or outside the int range. */
export function floatToInt(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  const t = Math.trunc(x);
  if (t < INT_MIN || t > INT_MAX) return null;
  return t | 0;
}
