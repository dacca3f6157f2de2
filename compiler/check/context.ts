// The checker's state: the symbol table, the chain of block scopes and where we are (function,
// loops, critical, top-level position). Consumes the DiagnosticSink; gives declare/lookup with the
// language's visibility rules, used by decl.ts, expr.ts and stmt.ts.

import type { FnDecl, Identifier, Span, Symbol, SymbolKind } from "../ast/nodes.js";
import type { Type } from "../ast/types.js";
import { Check } from "../diagnostics/catalogue-check.js";
import type { DiagnosticSink, MessageDef } from "../diagnostics/diagnostic.js";

/** One block scope: names declared directly in it. */
export class Scope {
  readonly names = new Map<string, number>();
  constructor(readonly parent: Scope | null) {}
}

export interface FunctionContext {
  decl: FnDecl;
  name: string;
  /** null for a function written without `->`. */
  result: Type | null;
}

/** A top-level declaration not yet reached by top-level code (for "used before its declaration"). */
interface PendingTopLevel {
  position: number;
  span: Span;
}

export class Checker {
  readonly symbols: Symbol[] = [];
  readonly global = new Scope(null);
  scope: Scope = this.global;
  fn: FunctionContext | null = null;
  loopDepth = 0;
  criticalDepth = 0;
  /** forall bodies being checked (a `checkpoint` may not stand in one). */
  forallDepth = 0;
  /** `change team` blocks being checked in the current function or program body. */
  changeTeamDepth = 0;
  /** loopDepth when the innermost `change team` block began: break/continue may not leave it. */
  teamLoopFloor = 0;
  /** Index in Program.body of the top-level item being checked (null inside function bodies). */
  topLevelPosition: number | null = null;
  /** Top-level data declarations by name, with their position: to explain uses that come too early. */
  readonly laterTopLevel = new Map<string, PendingTopLevel>();
  /** const symbols whose value is the same on every image (usable in collective sizes). */
  readonly invariantConsts = new Set<number>();

  constructor(readonly sink: DiagnosticSink) {}

  report<A extends unknown[]>(def: MessageDef<A>, span: Span, ...args: A) {
    return this.sink.report(def, span, ...args);
  }

  /** True while checking statements directly in the program body (not in a block or function). */
  get atTopLevel(): boolean {
    return this.scope === this.global;
  }

  /** Adds a symbol to the current scope; reports a redeclaration (with a note) and still returns an id. */
  declare(name: Identifier, kind: SymbolKind, type: Type, extra: Partial<Symbol> = {}): number {
    const id = this.symbols.length;
    const topLevel = this.scope === this.global;
    this.symbols.push({ id, name: name.text, kind, type, topLevel, span: name.span, ...extra });
    const previous = this.scope.names.get(name.text);
    if (previous !== undefined) {
      const d = this.report(Check.redeclared, name.span, name.text);
      d.related.push({ message: `'${name.text}' is first declared here`, span: this.symbols[previous]!.span });
      return id;
    }
    this.scope.names.set(name.text, id);
    return id;
  }

  /** The symbol `name` resolves to here, or undefined (nothing is reported). */
  lookup(name: string): Symbol | undefined {
    for (let s: Scope | null = this.scope; s; s = s.parent) {
      const id = s.names.get(name);
      if (id !== undefined) return this.symbols[id];
    }
    return undefined;
  }

  /**
   * Reports a name that resolves to nothing: "used before its declaration" when top-level code
   * names a top-level declaration further down, else "not declared".
   */
  reportUnresolved(name: string, span: Span): void {
    const later = this.laterTopLevel.get(name);
    if (later && this.topLevelPosition !== null && later.position >= this.topLevelPosition) {
      const d = this.report(Check.usedBeforeDeclaration, span, name);
      d.related.push({ message: `'${name}' is declared here`, span: later.span });
      return;
    }
    this.report(Check.undeclaredName, span, name);
  }

  /** Runs `body` in a new block scope. */
  inScope<T>(body: () => T): T {
    const saved = this.scope;
    this.scope = new Scope(saved);
    try {
      return body();
    } finally {
      this.scope = saved;
    }
  }
}
