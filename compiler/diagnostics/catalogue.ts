// The one catalogue of compiler messages, with stable codes: E0xxx driver, E1xxx syntax (lexer,
// parser), E2xxx semantic (binder, checker). Codes are never reused or renumbered; retired ones
// stay reserved. Each phase's entries live in its own file, re-exported here.

import { defineError } from "./diagnostic.js";

export * from "./catalogue-syntax.js";
export * from "./catalogue-check.js";

export const Driver = {
  tooDeep: defineError(
    "E0001",
    () => "this program is nested too deeply to compile (an expression or block thousands of levels deep): split it up",
  ),
};
