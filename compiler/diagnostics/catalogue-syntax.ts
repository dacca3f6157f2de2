// Messages of the lexer and parser (codes E1001-E1999). See catalogue.ts.
// Each message says what is wrong and, where it can, what would be right.
// E1001-E1019 lexical, E1020-E1049 grammar, E1050-E1079 shape checks made while building the AST.

import { defineError } from "./diagnostic.js";

export const Syntax = {
  // Lexical
  unexpectedCharacter: defineError("E1001", (ch: string) => `unexpected character '${ch}'`),
  unterminatedString: defineError(
    "E1002",
    () => `unterminated string literal: add a closing '"' before the end of the line`,
  ),
  unterminatedComment: defineError("E1003", () => `unterminated block comment: '/*' has no matching '*/'`),
  invalidEscape: defineError(
    "E1004",
    (ch: string) => `invalid escape '\\${ch}' in string: only \\n, \\t, \\" and \\\\ are allowed`,
  ),
  malformedNumber: defineError("E1005", (text: string, why: string) => `malformed number '${text}': ${why}`),

  // Grammar
  expectedToken: defineError("E1020", (expected: string, found: string) => `expected ${expected}, found ${found}`),
  unclosedBracket: defineError(
    "E1021",
    (closer: string, what: string, where: string, found: string) =>
      `expected '${closer}' to close the ${what} opened at ${where}, found ${found}`,
  ),
  expectedExpression: defineError(
    "E1022",
    (after: string, found: string) => `expected an expression${after}, found ${found}`,
  ),
  reservedWord: defineError(
    "E1023",
    (word: string) => `'${word}' is a reserved word and cannot be used as a name`,
  ),
  expectedStatement: defineError("E1024", (found: string) => `expected a statement, found ${found}`),
  missingSeparator: defineError(
    "E1025",
    (found: string) => `expected a newline or ';' after the statement, found ${found}`,
  ),
  elseOnNewLine: defineError(
    "E1026",
    () => `'else' must be on the same line as the '}' that closes the 'if' block: write '} else {'`,
  ),
  nestingTooDeep: defineError(
    "E1027",
    (limit: number) => `brackets and blocks are nested more than ${limit} levels deep`,
  ),
  expectedType: defineError(
    "E1028",
    (found: string) => `expected a type (int, float, bool, string, lock or event), found ${found}`,
  ),
  unexpectedClosing: defineError("E1029", (closer: string) => `'${closer}' has no matching opening bracket`),
  tooManyErrors: defineError(
    "E1030",
    (limit: number) => `too many syntax errors (the limit is ${limit}); stopped reading the file here`,
  ),
  expressionTooComplex: defineError(
    "E1031",
    () => `expression or statement nested too deeply to compile; split it up`,
  ),
  tooManyTokens: defineError(
    "E1033",
    (limit: number) => `the program is too large to compile: more than ${limit} tokens; split it up`,
  ),
  internalError: defineError(
    "E1032",
    (what: string) => `internal error in the parser (${what}); please report this with the input`,
  ),

  // Shape checks made while building the AST
  invalidAssignTarget: defineError(
    "E1050",
    () => `cannot assign to this: the left side of an assignment must be a variable, an element, a section or a coindexed reference`,
  ),
  notAStatement: defineError(
    "E1051",
    () => `this expression does nothing as a statement: only a call can stand alone (did you mean '=' or a call?)`,
  ),
  fnNotTopLevel: defineError("E1052", () => `functions can only be declared at the top level of the program`),
  colonExtentInDeclaration: defineError(
    "E1053",
    () => `an array declaration needs sizes, not ':' (write e.g. 'float(n)'); ':' is for parameters`,
  ),
  sizedExtentInParameter: defineError(
    "E1054",
    () => `a parameter's array extents are written ':' (e.g. 'float(:)'), not as sizes`,
  ),
  sharedInVarType: defineError(
    "E1055",
    () => `'shared' in a type is only for parameters; declare a shared array with 'shared name: float(n)'`,
  ),
};
