// Deterministic mutation of program text for the fuzz tests: split a program into tokens, then
// delete, duplicate or swap tokens or single characters. Consumes a seed and a text; gives
// mutants that can be reproduced from (seed, index) alone.

/** A small, fast, seeded generator (mulberry32) so every failing mutant can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN = /\s+|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][A-Za-z0-9_]*|0x[0-9a-fA-F_]*|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.\.|->|\*\*|<<|>>|[<>=!+\-*/]=|&&|\|\||[^]/g;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export type Mutation = "deleteToken" | "duplicateToken" | "swapTokens" | "deleteChar" | "duplicateChar" | "swapChars";
const MUTATIONS: Mutation[] = ["deleteToken", "duplicateToken", "swapTokens", "deleteChar", "duplicateChar", "swapChars"];

/** Applies 1-3 random mutations to `text`. */
export function mutate(text: string, rand: () => number): { text: string; applied: Mutation[] } {
  const applied: Mutation[] = [];
  let out = text;
  const count = 1 + Math.floor(rand() * 3);
  for (let m = 0; m < count; m++) {
    const kind = MUTATIONS[Math.floor(rand() * MUTATIONS.length)];
    applied.push(kind);
    if (kind.endsWith("Token")) {
      const toks = tokenize(out);
      if (toks.length === 0) continue;
      const i = Math.floor(rand() * toks.length);
      if (kind === "deleteToken") toks.splice(i, 1);
      else toks.splice(i, 0, toks[i]);
      out = toks.join("");
    } else if (kind === "swapTokens") {
      const toks = tokenize(out);
      if (toks.length < 2) continue;
      const i = Math.floor(rand() * toks.length);
      const j = Math.floor(rand() * toks.length);
      [toks[i], toks[j]] = [toks[j], toks[i]];
      out = toks.join("");
    } else {
      if (out.length === 0) continue;
      const i = Math.floor(rand() * out.length);
      if (kind === "deleteChar") out = out.slice(0, i) + out.slice(i + 1);
      else if (kind === "duplicateChar") out = out.slice(0, i) + out[i] + out.slice(i);
      else {
        const j = Math.floor(rand() * out.length);
        const chars = [...out];
        [chars[i], chars[j]] = [chars[j], chars[i]];
        out = chars.join("");
      }
    }
  }
  return { text: out, applied };
}
