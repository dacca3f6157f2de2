// Pass 2 of lowering: decides each symbol's representation in the generated code. Consumes the
// checked symbols and their JS names; fills LowerContext.reprs (see Repr) and the set of top-level
// mutable scalars (which a called function may change, so loops cannot treat them as invariant).

import type { LowerContext, Repr } from "./context.js";
import { assertNever } from "../ast/visit.js";

export function resolveStorage(ctx: LowerContext): void {
  for (const sym of ctx.symbols) {
    const js = ctx.jsName(sym.id);
    const t = sym.type;
    let repr: Repr;
    switch (t.tag) {
      case "function":
        repr = { kind: "function", js };
        break;
      case "int":
      case "float":
      case "bool":
      case "string":
        repr = { kind: "scalar", js, elem: t.tag };
        if (sym.topLevel && sym.kind === "var") ctx.topLevelMutable.add(js);
        break;
      case "coscalar":
        repr = { kind: "coarray", js, local: `${js}$l`, elem: t.elem, rank: 0 };
        break;
      case "lock":
      case "event":
        repr = { kind: "sync", js, elem: t.tag };
        break;
      case "team":
        repr = { kind: "team", js };
        break;
      case "array": {
        const extents = t.rank === 2 ? { rows: `${js}$r`, cols: `${js}$c` } : {};
        if (t.storage === "coarray") repr = { kind: "coarray", js, local: `${js}$l`, elem: t.elem, rank: t.rank, ...extents };
        else if (t.storage === "shared") repr = { kind: "shared", js, elem: t.elem, rank: t.rank, ...extents };
        else repr = { kind: "array", js, elem: t.elem, rank: t.rank, ...extents };
        break;
      }
      case "void":
      case "error":
        repr = { kind: "scalar", js, elem: "void" };
        break;
      default:
        return assertNever(t);
    }
    ctx.reprs.set(sym.id, repr);
  }
}

/** One line per symbol: `name#id → kind js-name ...` (pgasc build --dump-passes). */
export function storageListing(ctx: LowerContext): string {
  const lines: string[] = [];
  for (const sym of ctx.symbols) {
    const repr = ctx.reprs.get(sym.id);
    if (!repr) continue;
    const fields = Object.entries(repr)
      .filter(([key]) => key !== "kind" && key !== "js")
      .map(([key, value]) => `${key}=${String(value)}`);
    lines.push(`${sym.name}#${sym.id} → ${repr.kind} ${repr.js}${fields.length > 0 ? " " + fields.join(" ") : ""}`);
  }
  return lines.join("\n") + "\n";
}
