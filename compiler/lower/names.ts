// Pass 1 of lowering: JS names for the program's symbols. Consumes Program.symbols; gives a map
// symbol id → JS identifier that clashes with no JS reserved word, no global the generated code
// uses, no other symbol (block-scoped shadowing is flattened) and no compiler temporary (all of
// which contain a `$`, which .pgas identifiers cannot).

import type { Symbol } from "../ast/nodes.js";

/** Words a JS identifier may not be, plus the globals and module names generated code relies on. */
const RESERVED: ReadonlySet<string> = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await async of get set " +
    "arguments eval undefined NaN Infinity globalThis Math Object Array String Number Boolean Symbol Error " +
    "Int32Array Float64Array Uint8Array ArrayBuffer JSON Date Reflect Proxy Promise Map Set constructor prototype " +
    "rt main abiVersion sourceFile sourceLines sites Runtime CoarrayHandle SharedHandle TeamValue"
  ).split(" "),
);

export function mangleSymbols(symbols: readonly Symbol[]): Map<number, string> {
  const names = new Map<number, string>();
  const taken = new Set<string>();
  // Lowest id first: top-level declarations keep their own names in the generated code.
  for (const sym of [...symbols].sort((a, b) => a.id - b.id)) {
    let name = RESERVED.has(sym.name) ? `${sym.name}$` : sym.name;
    if (taken.has(name)) name = `${sym.name}$${sym.id}`;
    taken.add(name);
    names.set(sym.id, name);
  }
  return names;
}
