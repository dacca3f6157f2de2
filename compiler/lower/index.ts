// The lowering pipeline: the ordered list of passes from the checked AST to the LIR body of
// `main`. Consumes a checked Program (no errors); gives LoweredProgram: main's statements, the
// `sites` table and the names of the generated helpers they call.

import type { Program } from "../ast/nodes.js";
import { LowerContext } from "./context.js";
import { hoistBoundsChecks } from "./hoist-bounds-checks.js";
import type { JsStmt } from "./lir.js";
import { lowerProgramBody } from "./lower-program.js";
import { outlineLoops } from "./outline-loops.js";
import { resolveStorage } from "./resolve-storage.js";

export { storageListing } from "./resolve-storage.js";

export interface LoweredProgram {
  body: JsStmt[];
  sites: [number, number][];
  helpers: Set<string>;
  /** How many `checkpoint` statements the program has (the module says so when any). */
  checkpoints: number;
  /** Whether any team variable or parameter exists (the module then names the TeamValue type). */
  teams: boolean;
}

interface State {
  ctx: LowerContext;
  body: JsStmt[];
}

/**
 * The passes, in order. Names (names.ts) are fixed when the context is built. Translation to LIR
 * is split by concern into lower-statements/-expressions/-references/-sections/-forall/-calls/
 * -intrinsics/-collectives, which call each other; the passes after it rewrite LIR.
 */
export const PASSES: { name: string; run: (s: State, program: Program) => void }[] = [
  { name: "resolve-storage", run: (s) => resolveStorage(s.ctx) },
  { name: "lower-to-lir", run: (s, program) => void (s.body = lowerProgramBody(s.ctx, program)) },
  { name: "hoist-bounds-checks", run: (s) => void (s.body = hoistBoundsChecks(s.body, { topLevelMutable: s.ctx.topLevelMutable, temp: (hint) => s.ctx.temp(hint) })) },
  { name: "outline-loops", run: (s) => void (s.body = outlineLoops(s.body, { temp: (hint) => s.ctx.temp(hint) })) },
];

/** What a pass left: main's LIR so far, and the context (storage decisions, names). */
export interface PassView {
  readonly body: readonly JsStmt[];
  readonly ctx: LowerContext;
}

/** Called after each pass with its name (pgasc build --dump-passes). */
export type PassObserver = (pass: string, view: PassView) => void;

export function lowerProgram(program: Program, observe?: PassObserver): LoweredProgram {
  const state: State = { ctx: new LowerContext(program), body: [] };
  for (const pass of PASSES) {
    pass.run(state, program);
    observe?.(pass.name, state);
  }
  return { body: state.body, sites: state.ctx.sites, helpers: state.ctx.helpers, checkpoints: state.ctx.checkpoints?.ids.size ?? 0, teams: [...state.ctx.reprs.values()].some((r) => r.kind === "team") };
}
