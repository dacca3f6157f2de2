// The entry point of the syntax phase: text in, AST out, every problem reported to the sink.
// Consumes source text, its file name and a DiagnosticSink; gives an A.Program (possibly partial
// after errors). Never throws and never hangs, whatever the input.

import type { IRecognitionException, IToken } from "chevrotain";
import type { Program } from "../ast/nodes.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { Syntax } from "../diagnostics/catalogue-syntax.js";
import type { Span } from "../diagnostics/span.js";
import { buildProgram } from "./cst-to-ast.js";
import { wholeText } from "./cst.js";
import { lex, spanAt, tokenSpan } from "./lexer.js";
import { maxNestingDepth } from "./newlines.js";
import { decodeSyntaxError, TooManySyntaxErrors } from "./messages.js";
import { withParser } from "./parser.js";

/** Deeper nesting of ( [ { is refused before parsing: the recursive-descent parser would overflow. */
export const MAX_NESTING = 256;
/** After this many grammar errors the parse stops: more would only be noise (and slow). */
export const MAX_SYNTAX_ERRORS = 100;

export function parseProgram(text: string, file: string, sink: DiagnosticSink): Program {
  const empty: Program = { kind: "Program", file, body: [], span: wholeText(text) };
  try {
    const { tokens, tooLarge, badCharacterOffsets } = lex(text, sink);
    if (tooLarge) return empty;
    const nesting = maxNestingDepth(tokens);
    if (nesting.depth > MAX_NESTING) {
      sink.report(Syntax.nestingTooDeep, nesting.at ? tokenSpan(nesting.at) : wholeText(text), MAX_NESTING);
      return empty;
    }
    const parsed = withParser((parser) => {
      parser.messages.begin(tokens, MAX_SYNTAX_ERRORS);
      parser.input = tokens;
      try {
        return { cst: parser.program(), errors: parser.errors };
      } catch (e) {
        reportParserErrors(parser.errors, text, sink, badCharacterOffsets);
        if (e instanceof RangeError) sink.report(Syntax.expressionTooComplex, wholeText(text));
        else if (e instanceof TooManySyntaxErrors) {
          sink.report(Syntax.tooManyErrors, Number.isFinite(e.token.startOffset) ? tokenSpan(e.token) : endOfText(text), MAX_SYNTAX_ERRORS);
        }
        else sink.report(Syntax.internalError, wholeText(text), String(e));
        return undefined;
      }
    });
    if (!parsed) return empty;
    reportParserErrors(parsed.errors, text, sink, badCharacterOffsets);
    const errorOffsets = parsed.errors.map((e) => errorSpan(e, text).start).sort((a, b) => a - b);
    return buildProgram(parsed.cst, text, file, sink, errorOffsets);
  } catch (e) {
    if (e instanceof RangeError) sink.report(Syntax.expressionTooComplex, wholeText(text));
    else sink.report(Syntax.internalError, wholeText(text), String(e));
    return empty;
  }
}

/** Reports Chevrotain's recognition errors (their messages are encoded by messages.ts). */
function reportParserErrors(
  errors: IRecognitionException[],
  text: string,
  sink: DiagnosticSink,
  badCharacterOffsets: number[],
): number {
  let count = 0;
  for (const err of errors) {
    if (followsBadCharacter(err, text, badCharacterOffsets)) continue;
    const decoded = decodeSyntaxError(err.message);
    const span = errorSpan(err, text);
    const def = decoded ? syntaxDefByCode.get(decoded.code) : undefined;
    if (def && decoded) {
      sink.report(def as typeof Syntax.expectedToken, span, ...(decoded.args as [string, string]));
    } else {
      sink.report(Syntax.internalError, span, err.message);
    }
    count++;
  }
  return count;
}

/**
 * A grammar error at the first token after a character the lexer could not read is that
 * character's consequence (`var z = $`): the lexical error already says what is wrong.
 */
function followsBadCharacter(err: IRecognitionException, text: string, badCharacterOffsets: number[]): boolean {
  if (badCharacterOffsets.length === 0) return false;
  const at = errorSpan(err, text).start;
  const previous = (err as IRecognitionException & { previousToken?: IToken }).previousToken;
  const from = previous && Number.isFinite(previous.startOffset) ? (previous.endOffset ?? previous.startOffset) + 1 : 0;
  return badCharacterOffsets.some((o) => o >= from && o <= at);
}

const syntaxDefByCode: ReadonlyMap<string, { code: string }> = new Map(Object.values(Syntax).map((def) => [def.code, def]));

/** Where to point: the offending token, or just after the previous one when there is none. */
function errorSpan(err: IRecognitionException, text: string): Span {
  const t = err.token;
  if (t && Number.isFinite(t.startOffset) && t.image !== "") return tokenSpan(t);
  if (t && Number.isFinite(t.startOffset)) {
    // A virtual separator: point at the `}` it stands before, or at the end of the text.
    return t.image === "}" ? { ...tokenSpan(t), end: t.startOffset + 1 } : endOfText(text);
  }
  const previous = (err as IRecognitionException & { previousToken?: IToken }).previousToken;
  if (previous && Number.isFinite(previous.startOffset) && previous.image !== "") {
    const end = (previous.endOffset ?? previous.startOffset) + 1;
    return { start: end, end, line: previous.endLine ?? previous.startLine ?? 1, col: (previous.endColumn ?? 0) + 1 };
  }
  return endOfText(text);
}

function endOfText(text: string): Span {
  // Point at the last character rather than past it, so the excerpt shows the line.
  const trimmed = text.replace(/\s+$/, "");
  const offset = Math.max(0, trimmed.length);
  return spanAt(text, offset, 0);
}
