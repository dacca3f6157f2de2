// The editor grammar (editors/vscode/syntaxes/pgas.tmLanguage.json) must not drift from the
// language: every keyword of the lexer is highlighted as a keyword by exactly one rule and nothing
// else is, every intrinsic of the catalogue (but the type conversions) is a support function, and
// the patterns' regular expressions highlight a real program the way the rules say.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INTRINSICS } from "../../compiler/intrinsics/catalogue.js";
import { KEYWORDS } from "../../compiler/syntax/tokens.js";

const root = join(import.meta.dirname, "..", "..");
interface Rule {
  name?: string;
  match?: string;
  patterns?: Rule[];
}
const grammar = JSON.parse(readFileSync(join(root, "editors", "vscode", "syntaxes", "pgas.tmLanguage.json"), "utf8")) as {
  scopeName: string;
  repository: Record<string, Rule>;
};
const extension = JSON.parse(readFileSync(join(root, "editors", "vscode", "package.json"), "utf8")) as {
  contributes: { grammars: { scopeName: string; path: string }[]; languages: { id: string; extensions: string[] }[] };
};

/** The words of a `\b(a|b|c)\b` rule. */
function wordsOf(match: string): string[] {
  const m = /^\\b\(([a-z0-9_|]+)\)\\b/.exec(match);
  if (!m) throw new Error(`not a word rule: ${match}`);
  return m[1]!.split("|");
}

const KEYWORD_RULES = ["control", "image-control", "type", "layout", "constant"] as const;

describe("editors/vscode TextMate grammar", () => {
  it("highlights exactly the lexer's keywords, each by one rule", () => {
    const declarations = grammar.repository.declaration!.patterns!.find((r) => r.name === "storage.type.pgas")!;
    const highlighted = [...wordsOf(declarations.match!), ...KEYWORD_RULES.flatMap((rule) => wordsOf(grammar.repository[rule]!.match!))];
    expect([...highlighted].sort()).toEqual([...KEYWORDS].sort());
    expect(new Set(highlighted).size).toBe(highlighted.length);
  });

  it("knows every intrinsic of the catalogue", () => {
    const names = INTRINSICS.map((i) => i.name).filter((n) => !KEYWORDS.includes(n));
    expect(wordsOf(grammar.repository.intrinsic!.match!).sort()).toEqual([...names].sort());
  });

  it("its patterns match what they say on a real program", () => {
    const re = (rule: string) => new RegExp(grammar.repository[rule]!.match!, "g");
    const line = 'forall i in 0..n on x(i) { sync all; co_sum(s[p]); print("a\\tb", 0x1F, 1.5e3, true) } // done';
    expect(line.match(re("control"))).toEqual(["forall", "in", "on"]);
    expect(line.match(re("image-control"))).toEqual(["sync", "all"]);
    expect(line.match(re("intrinsic"))).toEqual(["co_sum", "print"]);
    expect(line.match(re("constant"))).toEqual(["true"]);
    expect(line.match(new RegExp(grammar.repository.comment!.match!))?.[0]).toBe("// done");
    const numbers = grammar.repository.number!.patterns!.map((r) => new RegExp(r.match!, "g"));
    expect(line.match(numbers[0]!)).toEqual(["0x1F"]);
    expect(line.match(numbers[1]!)).toEqual(["1.5e3"]);
  });

  it("is the grammar the extension contributes, for .pgas files", () => {
    expect(extension.contributes.grammars).toEqual([{ language: "pgas", scopeName: grammar.scopeName, path: "./syntaxes/pgas.tmLanguage.json" }]);
    expect(extension.contributes.languages[0]).toMatchObject({ id: "pgas", extensions: [".pgas"] });
  });
});
