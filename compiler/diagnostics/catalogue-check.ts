// Messages of the binder and checker (codes E2001-E2999). See catalogue.ts.

import { defineError } from "./diagnostic.js";

export const Check = {
  undeclaredName: defineError("E2001", (name: string) => `'${name}' is not declared`),
};
