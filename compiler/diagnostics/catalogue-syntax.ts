// Messages of the lexer and parser (codes E1001-E1999). See catalogue.ts.

import { defineError } from "./diagnostic.js";

export const Syntax = {
  unexpectedCharacter: defineError("E1001", (ch: string) => `unexpected character '${ch}'`),
};
