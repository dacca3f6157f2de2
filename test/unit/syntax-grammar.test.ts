// The committed railroad diagrams (grammar/diagrams.html) must be what grammar/generate.ts makes
// from the parser now; if this fails, run `npm run grammar` and commit the result. And the AST
// builder knows every statement the grammar has.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagramsHtml, diagramsPath } from "../../grammar/generate.js";
import { STATEMENT_RULES } from "../../compiler/syntax/cst-to-ast.js";
import { withParser } from "../../compiler/syntax/parser.js";

describe("railroad diagrams", () => {
  it("grammar/diagrams.html is up to date with the parser", () => {
    expect(diagramsHtml(), "grammar/diagrams.html is stale: run 'npm run grammar'").toBe(
      readFileSync(diagramsPath(), "utf8"),
    );
  });

  it("is self-contained (no scripts or styles from a CDN)", () => {
    const html = diagramsHtml();
    expect(html).not.toMatch(/<script src=/);
    expect(html).not.toMatch(/<link rel='stylesheet'/);
    expect(html).toContain("serializedGrammar");
  });
});

describe("statements", () => {
  it("every alternative of the grammar's statement rule has an AST builder, and no builder is left over", () => {
    type Gast = { type: string; name?: string; definition?: Gast[] };
    const rules = withParser((p) => p.getSerializedGastProductions()) as Gast[];
    const statement = rules.find((r) => r.name === "statement");
    const alternation = statement?.definition?.[0];
    expect(alternation?.type).toBe("Alternation");
    const alternatives = (alternation?.definition ?? []).map((alt) => {
      const only = alt.definition ?? [];
      expect(only.map((d) => d.type)).toEqual(["NonTerminal"]);
      return only[0]!.name;
    });
    expect(alternatives.length).toBeGreaterThan(10);
    expect([...STATEMENT_RULES].sort()).toEqual([...alternatives].sort());
  });
});
