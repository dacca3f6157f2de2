// The compiler pipeline in one place: the ordered phases parse → check → lower → emit → transpile,
// each reading what the phases before it made. Consumes source text and a file name; gives the typed
// AST, the diagnostics and, for a build, the generated TypeScript and JavaScript. The back end
// (lowering, the code writer, prettier, sucrase) is imported on first use, so `pgasc check` stays fast.

import type { Program } from "../ast/nodes.js";
import { checkProgram } from "../check/check.js";
import { typedAstListing } from "../check/typed-listing.js";
import { Driver } from "../diagnostics/catalogue.js";
import { DiagnosticSink, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoweredProgram, PassObserver } from "../lower/index.js";
import { wholeText } from "../syntax/cst.js";
import { parseProgram } from "../syntax/parse.js";

export interface CheckResult {
  program: Program;
  diagnostics: Diagnostic[];
  ok: boolean;
}

export interface BuildResult extends CheckResult {
  /** Generated TypeScript (when ok). */
  ts?: string;
  /** Generated JavaScript module (when ok). */
  js?: string;
}

/**
 * What a build looked like after one phase or lowering pass, as text (pgasc build --dump-passes):
 * the source, the tree (parse, then check's annotations), the storage decisions, the LIR after
 * each pass, the TypeScript and the JavaScript.
 */
export interface Stage {
  name: string;
  kind: "source" | "tree" | "storage" | "lir" | "ts" | "js";
  text: string;
}

export type StageObserver = (stage: Stage) => void;

/** One compilation in progress: its input, its one diagnostics sink, and what each phase made. */
interface Compilation {
  readonly text: string;
  readonly file: string;
  readonly sink: DiagnosticSink;
  readonly observe?: StageObserver;
  program?: Program;
  lowered?: LoweredProgram;
  ts?: string;
  js?: string;
}

/** The back end's modules, loaded on first use. */
interface BackEnd {
  lower: typeof import("../lower/index.js");
  emit: typeof import("../emit/emit.js");
}

export type PhaseName = "parse" | "check" | "lower" | "emit" | "transpile";

interface FrontEndPhase {
  name: PhaseName;
  run(c: Compilation): void;
}

interface BackEndPhase {
  name: PhaseName;
  run(c: Compilation, backEnd: BackEnd): void | Promise<void>;
}

/** What an earlier phase made; its absence is a bug in the order of the phases. */
function made<T>(value: T | undefined, by: PhaseName): T {
  if (value === undefined) throw new Error(`internal: a phase ran before '${by}'`);
  return value;
}

/**
 * The phases, in order. Each runs only when no phase before it reported an error: checking a tree
 * with syntax errors would mostly repeat them as follow-on errors, and only a correct program is
 * lowered. The front end is synchronous (`pgasc check`, a language server); the back end is not
 * (prettier formats asynchronously).
 */
export const FRONT_END: readonly FrontEndPhase[] = [
  {
    name: "parse",
    run: (c) => {
      c.program = parseProgram(c.text, c.file, c.sink);
      c.observe?.({ name: "parse", kind: "tree", text: typedAstListing(c.program) });
    },
  },
  {
    name: "check",
    run: (c) => {
      checkProgram(made(c.program, "parse"), c.sink);
      c.observe?.({ name: "check", kind: "tree", text: typedAstListing(c.program!) });
    },
  },
];

export const BACK_END: readonly BackEndPhase[] = [
  {
    name: "lower",
    run: (c, b) => {
      const observe = c.observe;
      const passes: PassObserver | undefined =
        observe &&
        ((pass, view) =>
          observe(pass === "resolve-storage" ? { name: pass, kind: "storage", text: b.lower.storageListing(view.ctx) } : { name: pass, kind: "lir", text: b.emit.lirText(view.body) }));
      c.lowered = b.lower.lowerProgram(made(c.program, "parse"), passes);
    },
  },
  {
    name: "emit",
    run: async (c, b) => {
      c.ts = await b.emit.emitTypeScript(made(c.lowered, "lower"), c);
      c.observe?.({ name: "emit", kind: "ts", text: c.ts });
    },
  },
  {
    name: "transpile",
    run: async (c, b) => {
      c.js = await b.emit.transpileToJavaScript(made(c.ts, "emit"));
      c.observe?.({ name: "transpile", kind: "js", text: c.js });
    },
  },
];

/** The whole pipeline's order, for tools and docs. */
export const PHASES: readonly PhaseName[] = [...FRONT_END, ...BACK_END].map((p) => p.name);

/** Parse and check. Never throws on user input. */
export function checkSource(text: string, file: string): CheckResult {
  const c = compilation(text, file);
  for (const phase of FRONT_END) {
    if (!guarded(c, () => phase.run(c))) break;
  }
  return result(c);
}

/** Parse, check, lower, emit and transpile. Never throws on user input. `observe` sees every stage. */
export async function buildSource(text: string, file: string, observe?: StageObserver): Promise<BuildResult> {
  const c = compilation(text, file, observe);
  observe?.({ name: "source", kind: "source", text });
  let ok = true;
  for (const phase of FRONT_END) {
    ok = guarded(c, () => phase.run(c));
    if (!ok) break;
  }
  if (ok) {
    const backEnd = await loadBackEnd();
    for (const phase of BACK_END) {
      if (!(await guardedAsync(c, () => phase.run(c, backEnd)))) break;
    }
  }
  const checked = result(c);
  return checked.ok ? { ...checked, ts: c.ts, js: c.js } : checked;
}

function compilation(text: string, file: string, observe?: StageObserver): Compilation {
  return { text, file, sink: new DiagnosticSink(file), observe };
}

async function loadBackEnd(): Promise<BackEnd> {
  const [lower, emit] = await Promise.all([import("../lower/index.js"), import("../emit/emit.js")]);
  return { lower, emit };
}

function result(c: Compilation): CheckResult {
  const diagnostics = c.sink.sorted();
  const program = c.program ?? { kind: "Program", file: c.file, body: [], span: wholeText(c.text) };
  return { program, diagnostics, ok: !diagnostics.some((d) => d.severity === "error") };
}

/**
 * Runs a phase; true when it reported no error. The phases walk the tree recursively; a tree
 * thousands of levels deep (a 100,000-term sum on one line) would overflow the stack. That is a
 * limit of the compiler, reported as one.
 */
function guarded(c: Compilation, phase: () => void): boolean {
  try {
    phase();
  } catch (e) {
    tooDeep(c, e);
  }
  return !c.sink.hasErrors();
}

async function guardedAsync(c: Compilation, phase: () => void | Promise<void>): Promise<boolean> {
  try {
    await phase();
  } catch (e) {
    tooDeep(c, e);
  }
  return !c.sink.hasErrors();
}

function tooDeep(c: Compilation, e: unknown): void {
  if (!(e instanceof RangeError)) throw e;
  c.sink.report(Driver.tooDeep, c.program?.span ?? wholeText(c.text));
}
