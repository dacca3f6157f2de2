// What literals mean: checks of number literals, the value of int, float and string literals
// (escapes resolved). Consumes literal token images; gives values and problems, so the lexer's
// checks and the AST builder agree on what a literal means.

const DIGITS_WITH_SEPARATORS = /^[0-9]+(?:_[0-9]+)*$/;
const HEX_WITH_SEPARATORS = /^[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*$/;

/** Why a number literal is malformed, or null when it is fine. */
export function numberProblem(image: string, isFloat: boolean): string | null {
  if (!isFloat) {
    if (/^0[xX]/.test(image)) {
      const digits = image.slice(2);
      if (digits === "") return "a hexadecimal literal needs digits after '0x'";
      if (!HEX_WITH_SEPARATORS.test(digits)) {
        return /[^0-9A-Fa-f_]/.test(digits)
          ? "a hexadecimal literal may only contain the digits 0-9 and A-F"
          : "'_' may only separate digits";
      }
      return null;
    }
    return DIGITS_WITH_SEPARATORS.test(image) ? null : "'_' may only separate digits";
  }
  const m = /^([0-9_]*)(?:\.([0-9_]*))?(?:[eE]([+-]?)([0-9_]*))?$/.exec(image);
  if (!m) return "not a number";
  const [, whole, frac, , exp] = m;
  if (/[eE]/.test(image) && (exp === undefined || exp === "")) return "an exponent needs digits after 'e'";
  for (const part of [whole, frac, exp]) {
    if (part !== undefined && part !== "" && !DIGITS_WITH_SEPARATORS.test(part)) return "'_' may only separate digits";
  }
  return null;
}

/** The exact value an int literal denotes (not wrapped: the checker validates the range). */
export function intLiteralValue(image: string): number {
  const clean = image.replace(/_/g, "");
  if (/^0[xX]/.test(clean)) {
    const n = Number.parseInt(clean.slice(2), 16);
    return Number.isNaN(n) ? 0 : n;
  }
  const n = Number(clean);
  return Number.isNaN(n) ? 0 : n;
}

export function floatLiteralValue(image: string): number {
  const n = Number(image.replace(/_/g, ""));
  return Number.isNaN(n) ? 0 : n;
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", '"': '"', "\\": "\\" };

/** The string a literal denotes, escapes resolved; unknown escapes are passed to `onBadEscape`. */
export function stringLiteralValue(image: string, onBadEscape?: (offsetInImage: number, ch: string) => void): string {
  let body = image.slice(1);
  if (isClosedString(image)) body = body.slice(0, -1);
  if (!body.includes("\\")) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break;
    const resolved = ESCAPES[next];
    if (resolved === undefined) {
      onBadEscape?.(i + 1, next);
      out += next;
    } else {
      out += resolved;
    }
    i++;
  }
  return out;
}

/** True when a string token's image ends with its closing quote (not an escaped one). */
function isClosedString(image: string): boolean {
  if (image.length < 2 || !image.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 0;
}
