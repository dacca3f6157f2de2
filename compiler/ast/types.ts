// Semantic types, as the checker computes them and the lowering/emission passes read them.
// Consumes nothing but assertNever; gives the Type union, constructors and a printer used in
// diagnostics ("expected 'float', found 'bool'").

import { assertNever } from "./visit.js";

export type ScalarTag = "int" | "float" | "bool" | "string";

/** Where an array's elements live. */
export type Storage =
  | "local" //   private array (or a section value computed locally)
  | "coarray" // one copy per image, reached with [p]
  | "shared"; //  one global array dealt out by a layout

export type Type =
  | { tag: "int" }
  | { tag: "float" }
  | { tag: "bool" }
  | { tag: "string" }
  /** No value: a call of a function without `->`. */
  | { tag: "void" }
  /** Already reported: suppresses cascades of follow-on errors. */
  | { tag: "error" }
  /** A scalar coarray (`var s: int[*]`): the type of the Name `s`. `s` in an expression reads the own part. */
  | { tag: "coscalar"; elem: ScalarTag }
  /** `lock[*]` / `event[*]` coarrays. */
  | { tag: "lock" }
  | { tag: "event" }
  /** `var t: team` (LANGUAGE.md §7.1): a private scalar handle that only `form team` sets. */
  | { tag: "team" }
  /** Arrays: private, coarray or shared. rank 1 or 2. */
  | { tag: "array"; elem: ScalarTag; rank: 1 | 2; storage: Storage }
  | { tag: "function"; params: Type[]; result: Type };

// Shared by every program compiled in the process (the checker puts them on many nodes), so frozen:
// no phase can change one for every other build.
export const INT: Type = Object.freeze({ tag: "int" });
export const FLOAT: Type = Object.freeze({ tag: "float" });
export const BOOL: Type = Object.freeze({ tag: "bool" });
export const STRING: Type = Object.freeze({ tag: "string" });
export const VOID: Type = Object.freeze({ tag: "void" });
export const ERROR: Type = Object.freeze({ tag: "error" });

export function scalar(tag: ScalarTag): Type {
  return { tag };
}

export function arrayOf(elem: ScalarTag, rank: 1 | 2, storage: Storage): Type {
  return { tag: "array", elem, rank, storage };
}

export function isScalar(t: Type): t is { tag: ScalarTag } {
  return t.tag === "int" || t.tag === "float" || t.tag === "bool" || t.tag === "string";
}

export function isNumeric(t: Type): boolean {
  return t.tag === "int" || t.tag === "float";
}

/** How a type is written in the language, for messages: `float(:)[*]`, `shared int(:, :)`. */
export function typeToString(t: Type): string {
  switch (t.tag) {
    case "coscalar":
      return `${t.elem}[*]`;
    case "lock":
      return "lock[*]";
    case "event":
      return "event[*]";
    case "team":
      return "team";
    case "array": {
      const dims = t.rank === 1 ? "(:)" : "(:, :)";
      if (t.storage === "coarray") return `${t.elem}${dims}[*]`;
      if (t.storage === "shared") return `shared ${t.elem}${dims}`;
      return `${t.elem}${dims}`;
    }
    case "function":
      return `fn(${t.params.map(typeToString).join(", ")}) -> ${typeToString(t.result)}`;
    case "int":
    case "float":
    case "bool":
    case "string":
    case "void":
    case "error":
      return t.tag;
    default:
      return assertNever(t);
  }
}
