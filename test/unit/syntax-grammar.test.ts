// The committed railroad diagrams (grammar/diagrams.html) must be what grammar/generate.ts makes
// from the parser now; if this fails, run `npm run grammar` and commit the result.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagramsHtml, diagramsPath } from "../../grammar/generate.js";

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
