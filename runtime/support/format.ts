// Text formatting for `print`, `str(v)` and `fixed(x, d)`.
// Consumes numbers; produces Python-compatible text: floats as Python's repr (shortest round-trip
// digits, fixed notation for decimal exponents in [-4, 16)), fixed() as C's printf("%.*f").

/** `str(x)` of a float, exactly as Python's `repr(float)`. */
export function reprFloat(x: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const negative = x < 0;
  // toExponential() without an argument gives the shortest digits that round-trip (ECMA-262),
  // the same digits Python's repr chooses; only the notation rules differ.
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(expText);
  let body: string;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      body = "0." + "0".repeat(-exponent - 1) + digits;
    } else if (digits.length <= exponent + 1) {
      body = digits + "0".repeat(exponent + 1 - digits.length) + ".0";
    } else {
      body = digits.slice(0, exponent + 1) + "." + digits.slice(exponent + 1);
    }
  } else {
    const expAbs = Math.abs(exponent);
    const expDigits = expAbs < 10 ? "0" + expAbs : String(expAbs);
    const head = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    body = head + "e" + (exponent < 0 ? "-" : "+") + expDigits;
  }
  return negative ? "-" + body : body;
}

/** `str(v)` for every printable scalar kind. */
export function formatValue(value: number | boolean, kind: "int" | "float" | "bool"): string {
  if (kind === "bool") return value ? "true" : "false";
  if (kind === "int") return String(Number(value) | 0);
  return reprFloat(Number(value));
}

const float64 = new Float64Array(1);
const words = new Uint32Array(float64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** |x| as mantissa * 2^exponent with an integer mantissa (x finite). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  float64[0] = x;
  const hi = words[LITTLE_ENDIAN ? 1 : 0];
  const lo = words[LITTLE_ENDIAN ? 0 : 1];
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * `fixed(x, d)`: like Python's `'%.*f' % (d, x)`. Rounds the exact binary value half-to-even,
 * as glibc's printf does (JavaScript's toFixed rounds ties up, so it is not used).
 */
export function formatFixed(x: number, digits: number): string {
  const d = Math.max(0, Math.min(1000, Math.trunc(Number.isFinite(digits) ? digits : 0)));
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  // scaled = |x| * 10^d, rounded half-even to an integer.
  let scaled: bigint;
  const pow10 = 10n ** BigInt(d);
  if (exponent >= 0) {
    scaled = (mantissa << BigInt(exponent)) * pow10;
  } else {
    const numerator = mantissa * pow10;
    const shift = BigInt(-exponent);
    const quotient = numerator >> shift;
    const remainder = numerator - (quotient << shift);
    const twice = remainder << 1n;
    const denominator = 1n << shift;
    if (twice > denominator || (twice === denominator && (quotient & 1n) === 1n)) scaled = quotient + 1n;
    else scaled = quotient;
  }
  let text = scaled.toString();
  if (d > 0) {
    if (text.length <= d) text = "0".repeat(d - text.length + 1) + text;
    text = text.slice(0, text.length - d) + "." + text.slice(text.length - d);
  }
  return negative ? "-" + text : text;
}

/** The excerpt line printed under a runtime error: `   14 |     c(i)[p] = 1`. */
export function sourceExcerpt(lines: readonly string[] | undefined, line: number): string {
  const text = lines?.[line - 1];
  if (text === undefined) return "";
  return `${String(line).padStart(5)} | ${text}\n`;
}
