// Chunked lexing must lex exactly as one pass would: tokens and comments that straddle a chunk's
// end (a `//` comment, `1.5`, `\r\n`, strings, block comments) are never split (issue 9: a line
// comment cut at 64 KiB let the rest of its line compile as code).
// Consumes compiler/syntax/lexer.ts; gives pass/fail.

import { describe, expect, it } from "vitest";
import { CHUNK_SIZE, lex } from "../../compiler/syntax/lexer.js";
import { DiagnosticSink } from "../../compiler/diagnostics/diagnostic.js";
import { parseProgram } from "../../compiler/syntax/parse.js";

interface Tok {
  image: string;
  offset: number;
  line: number;
  col: number;
}

function tokens(text: string): { toks: Tok[]; codes: string[] } {
  const sink = new DiagnosticSink("t.pgas");
  const { rawTokens } = lex(text, sink);
  const toks = rawTokens.map((t) => ({ image: t.image, offset: t.startOffset, line: t.startLine ?? 0, col: t.startColumn ?? 0 }));
  return { toks, codes: sink.sorted().map((d) => d.code) };
}

/** Comment lines (few tokens: quick to lex) that end `length` characters into the text, then spaces. */
function padding(length: number): { text: string; lines: number } {
  const line = "// " + "p".repeat(1020) + "\n";
  const lines = Math.floor((length - 200) / line.length);
  const text = line.repeat(lines);
  return { text: text + " ".repeat(length - text.length), lines };
}

const TRICKY = [
  '// a comment ; print("HIDDEN")\nprint("visible")\n',
  "y = 1.5e-3 + .25\n",
  "a\r\nb\r\n",
  'print("a long string with \\" an escape")\n',
  "/* a block\n comment */ z = 1\n",
  "identifier_that_is_long = another_identifier\n",
  "q = 1..10\n",
  "w <<= 2 ** 3 // done\n",
];

describe("chunked lexing", () => {
  for (const snippet of TRICKY) {
    it(`lexes ${JSON.stringify(snippet.slice(0, 24))} the same wherever a chunk ends in it`, () => {
      const alone = tokens(snippet);
      for (let cut = 0; cut <= snippet.length; cut++) {
        const pad = padding(CHUNK_SIZE - cut);
        const whole = tokens(pad.text + snippet);
        expect(whole.codes).toEqual(alone.codes);
        const tail = whole.toks.filter((t) => t.offset >= pad.text.length);
        const shifted = alone.toks.map((t) => ({
          image: t.image,
          offset: t.offset + pad.text.length,
          line: t.line + pad.lines,
          col: t.line === 1 ? t.col + (pad.text.length - pad.lines * 1024) : t.col,
        }));
        expect(tail, `chunk cut ${cut} characters into the snippet`).toEqual(shifted);
      }
    });
  }

  it("does not compile what follows a line comment longer than a chunk", () => {
    const text = "// " + "a".repeat(CHUNK_SIZE - 3) + ' ; print("HIDDEN")\nprint("visible")\n';
    const sink = new DiagnosticSink("t.pgas");
    const program = parseProgram(text, "t.pgas", sink);
    expect(sink.sorted()).toEqual([]);
    expect(JSON.stringify(program)).not.toContain("HIDDEN");
    expect(JSON.stringify(program)).toContain("visible");
  });
});
