// The one catalogue of compiler messages, with stable codes: E1xxx syntax (lexer, parser),
// E2xxx semantic (binder, checker). Codes are never reused or renumbered; retired ones stay
// reserved. Each phase's entries live in its own file, re-exported here.

export * from "./catalogue-syntax.js";
export * from "./catalogue-check.js";
