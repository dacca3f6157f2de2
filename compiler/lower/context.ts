// State shared by the lowering passes of one program: symbols and their JS representation, the
// source-site table (`sites` of the compiled module), temporaries, helper functions used, and the
// loop stack. Consumes the checked Program; gives LowerContext to every pass.

import type { Expr, FnDecl, Program, Span, Symbol } from "../ast/nodes.js";
import { INT } from "../ast/types.js";
import type { ScalarTag, Type } from "../ast/types.js";
import { id, member, type JsExpr } from "./lir.js";
import { mangleSymbols } from "./names.js";
import { assertNever } from "../ast/visit.js";
import type { CheckpointPlan } from "./lower-checkpoints.js";

/**
 * How a symbol's data is held in the generated code (docs/codegen.md, "Representation").
 *  - scalar: a JS `let`/`const` (int/float → number, bool → boolean, string → string).
 *  - array: a private typed array `js`; 2-D arrays also have extent variables `rows`/`cols`.
 *  - coarray: the handle `js` and its own part `local` (`c$l = c.local`), 2-D extents as above;
 *    rank 0 is a scalar coarray (`s$l[0]`).
 *  - shared: the handle `js`; 2-D arrays have extent variables.
 *  - sync: a lock or event coarray handle.
 *  - team: a `let` holding the runtime's team value (null until `form team` sets it).
 */
export type Repr =
  | { kind: "scalar"; js: string; elem: ScalarTag | "void" }
  | { kind: "array"; js: string; elem: ScalarTag; rank: 1 | 2; rows?: string; cols?: string }
  | { kind: "coarray"; js: string; local: string; elem: ScalarTag; rank: 0 | 1 | 2; rows?: string; cols?: string }
  | { kind: "shared"; js: string; elem: ScalarTag; rank: 1 | 2; rows?: string; cols?: string }
  | { kind: "sync"; js: string; elem: "lock" | "event" }
  | { kind: "team"; js: string }
  | { kind: "function"; js: string };

export interface LoopFrame {
  /** Label to `break` to when the source loop became nested JS loops (owned-index forall). */
  breakLabel?: string;
}

export class LowerContext {
  readonly symbols: Symbol[];
  readonly names: Map<number, string>;
  readonly reprs = new Map<number, Repr>();
  readonly fnDecls = new Map<number, FnDecl>();
  readonly sites: [number, number][] = [];
  private readonly siteIndex = new Map<string, number>();
  /** Names of generated helper functions the program uses (emitted once each, inside main). */
  readonly helpers = new Set<string>();
  /** JS names of top-level scalars that statements may assign: not loop-invariant across calls. */
  readonly topLevelMutable = new Set<string>();
  private tempCounter = 0;
  /** Symbols the lowering makes for its temporaries (negative ids, see tempName). */
  private readonly synthetic = new Map<number, Symbol>();
  criticalCount = 0;
  loops: LoopFrame[] = [];
  /** How the program's `checkpoint` statements are saved and resumed (null: it has none). */
  checkpoints: CheckpointPlan | null = null;
  /** Result type of the function being lowered (null at top level). */
  currentFnResult: Type | null = null;
  currentFnName = "";

  constructor(readonly program: Program) {
    this.symbols = program.symbols ?? [];
    this.names = mangleSymbols(this.symbols);
    for (const item of program.body) {
      if (item.kind === "FnDecl" && item.symbol !== undefined) this.fnDecls.set(item.symbol, item);
    }
  }

  sym(symbolId: number | undefined): Symbol {
    if (symbolId === undefined) throw new Error("internal: unresolved symbol in a checked program");
    const s = symbolId < 0 ? this.synthetic.get(symbolId) : this.symbols[symbolId];
    if (!s) throw new Error(`internal: no symbol ${symbolId}`);
    return s;
  }

  repr(symbolId: number | undefined): Repr {
    const r = this.reprs.get(symbolId ?? -1);
    if (!r) throw new Error(`internal: no representation for symbol ${symbolId} (${this.sym(symbolId).name})`);
    return r;
  }

  jsName(symbolId: number | undefined): string {
    return this.names.get(symbolId ?? -1) ?? `$unknown${symbolId}`;
  }

  /** Index of a source position in the module's `sites` table (each position once). */
  site(span: Span): number {
    const key = `${span.line}:${span.col}`;
    let i = this.siteIndex.get(key);
    if (i === undefined) {
      i = this.sites.length;
      this.sites.push([span.line, span.col]);
      this.siteIndex.set(key, i);
    }
    return i;
  }

  /** A fresh temporary name: always starts with `$`, so it meets no user name. */
  temp(hint: string): string {
    this.tempCounter += 1;
    return `$${hint}${this.tempCounter}`;
  }

  /**
   * An AST name for the int temporary `js`, to stand in the AST for `like` (an expression already
   * evaluated into `js`), so that lowering that expression again reads the temporary.
   */
  tempName(js: string, like: Expr): Expr {
    const id = -1 - this.synthetic.size;
    this.synthetic.set(id, { id, name: js, kind: "const", type: INT, topLevel: false, span: like.span });
    this.reprs.set(id, { kind: "scalar", js, elem: "int" });
    return { kind: "Name", name: js, symbol: id, span: like.span, type: INT };
  }

  useHelper(name: string): string {
    this.helpers.add(name);
    return name;
  }
}

/** Extents of an array-like representation, as JS expressions (cheap: ids or `.length`). */
export function extentsOf(r: Repr): JsExpr[] {
  switch (r.kind) {
    case "array":
      return r.rank === 1 ? [member(id(r.js), "length")] : [id(r.rows!), id(r.cols!)];
    case "coarray":
      if (r.rank === 0) return [];
      return r.rank === 1 ? [member(id(r.local), "length")] : [id(r.rows!), id(r.cols!)];
    case "shared":
      return r.rank === 1 ? [member(id(r.js), "length")] : [id(r.rows!), id(r.cols!)];
    case "scalar":
    case "sync":
    case "team":
    case "function":
      return [];
    default:
      return assertNever(r);
  }
}

/** The typed-array TS type of an element kind's storage. */
export function typedArrayType(elem: ScalarTag): string {
  if (elem === "int") return "Int32Array";
  if (elem === "float") return "Float64Array";
  return "Uint8Array";
}

/** The TS type of a scalar value. */
export function scalarTsType(t: ScalarTag | "void"): string {
  if (t === "int" || t === "float") return "number";
  if (t === "bool") return "boolean";
  if (t === "string") return "string";
  return "void";
}
