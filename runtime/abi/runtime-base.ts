// The part of the Runtime (abi/runtime.ts) that needs no memory of other images: termination and
// error reports that name the .pgas line (image, variable and index for memory operations), checked 32-bit arithmetic, program arguments, random
// numbers and the clock, output (held until the next checkpoint in a program that takes them).
// Consumes a Core, the compiled module's sites and source lines and the program arguments;
// PgasRuntime extends it with memory, synchronisation, collectives and checkpoints.

import type { CoarrayHandle, DataElem, Rect, SharedHandle } from "./abi.js";
import { checkRect, rectCount, sameShape, type RectProblem } from "../core/layout-math.js";
import { AbortSignal, StopSignal, type Core } from "../core/core.js";
import { floatToInt, intDiv, intMod, intPow } from "../support/int32.js";
import { formatFixed, formatValue, sourceExcerpt } from "../support/format.js";
import { Xoshiro128 } from "../support/random.js";
import { Team, imageName } from "../extended/teams.js";

/** What the runtime needs from the compiled module besides `main`. */
export interface ProgramInfo {
  readonly sourceFile: string;
  readonly sourceLines: readonly string[];
  readonly sites: readonly (readonly number[])[];
}

export abstract class RuntimeBase {
  /** This image's number and the image count in the initial team. */
  protected readonly rank: number;
  protected readonly size: number;
  /** The current team (§7.1): image numbers, ranges and messages are relative to it. */
  protected team: Team;
  private readonly rng: Xoshiro128;
  private readonly clockOrigin = performance.timeOrigin / 1000;
  /**
   * In a program with `checkpoint` statements, the lines printed since the last checkpoint: they
   * go out when the next one is committed or when the image ends, so a restart never prints a
   * line twice (docs/checkpoint.md). null otherwise: print writes at once.
   */
  private held: string[] | null = null;

  constructor(
    protected readonly core: Core,
    protected readonly program: ProgramInfo,
    private readonly args: readonly string[],
    private readonly label: boolean,
  ) {
    this.rank = core.rank;
    this.size = core.size;
    this.rng = new Xoshiro128(0, this.rank);
    this.team = Team.initial(this.rank, this.size);
  }

  // --- termination and errors -------------------------------------------------------------------

  stop(site: number): never {
    this.core.stoppingAt(site);
    throw new StopSignal();
  }

  errorStop(value: number | string | null, _site: number): never {
    const status = typeof value === "number" ? value | 0 : 1;
    this.flushOutput();
    if (this.core.beginAbort(status)) {
      if (typeof value === "string") this.core.writeErr(`${imageName(this.team, this.team.me)}: ERROR STOP ${value}\n`, true);
      this.core.finishAbort();
    }
    throw new AbortSignal();
  }

  fail(message: string, site: number): never {
    this.report(message, this.program.sites[site]);
  }

  /** Prints the runtime error (first error of the job only), aborts every image, unwinds. */
  report(message: string, position: readonly number[] | undefined): never {
    this.flushOutput();
    if (this.core.beginAbort(1)) {
      const file = this.program.sourceFile;
      const where = position ? `${file}:${position[0]}:${position[1]}` : file;
      const excerpt = position ? sourceExcerpt(this.program.sourceLines, position[0]) : "";
      this.core.writeErr(`${where}: runtime error: ${imageName(this.team, this.team.me)}: ${message}\n${excerpt}`, true);
      this.core.finishAbort();
    }
    throw new AbortSignal();
  }

  indexError(name: string, indices: number[], extents: readonly number[], site: number): never {
    if (indices.length === 1) {
      this.fail(`index ${indices[0]} is out of bounds for '${name}' (valid 0..${(extents[0] ?? 0) - 1})`, site);
    }
    const valid = extents.map((n) => `0..${n - 1}`).join(", ");
    this.fail(`index (${indices.join(", ")}) is out of bounds for '${name}' (valid (${valid}))`, site);
  }

  // --- error reports of the memory and image operations (abi/runtime.ts) ----------------------

  /** Conformance and bounds of a copy from `src` (in an array of srcLength) to `dst`. */
  protected checkSections(name: string, src: Rect, srcLength: number, dst: Rect, dstLength: number, site: number): void {
    const srcCount = rectCount(src);
    const dstCount = rectCount(dst);
    if (srcCount !== dstCount) {
      this.fail(`mismatched section lengths: ${srcCount} element(s) assigned to ${dstCount} element(s) of '${name}'`, site);
    }
    const shapeProblem = sameShape(src, dst);
    if (shapeProblem) this.fail(`mismatched section shapes for '${name}': ${shapeProblem}`, site);
    const srcProblem = checkRect(src, srcLength);
    if (srcProblem) this.sectionError(name, srcProblem, srcLength, site);
    const dstProblem = checkRect(dst, dstLength);
    if (dstProblem) this.sectionError(name, dstProblem, dstLength, site);
  }

  protected sectionError(name: string, problem: RectProblem, length: number, site: number): never {
    this.fail(`section reaches index ${problem.index}, out of bounds for '${name}' (valid 0..${length - 1})`, site);
  }

  protected accessError(h: CoarrayHandle, image: number, offset: number, site: number): never {
    if (!(Number.isInteger(image) && image >= 0 && image < this.team.size)) this.imageError(h.name, image, site);
    if (h.dims.length === 2) {
      this.fail(`linear index ${offset} is out of bounds for '${h.name}' (${h.dims[0]} x ${h.dims[1]} elements)`, site);
    }
    this.fail(`index ${offset} is out of bounds for '${h.name}' (valid 0..${h.length - 1})`, site);
  }

  protected imageError(name: string, image: number, site: number): never {
    this.fail(`image index ${image} is out of range for '${name}' (valid 0..${this.team.size - 1})`, site);
  }

  protected sharedIndexError(h: SharedHandle, k: number, site: number): never {
    if (h.dims.length === 2 && Number.isInteger(k) && k >= 0) {
      const cols = h.dims[1];
      this.fail(
        `index (${Math.floor(k / cols)}, ${k % cols}) is out of bounds for '${h.name}' (valid (0..${h.dims[0] - 1}, 0..${cols - 1}))`,
        site,
      );
    }
    this.fail(`index ${k} is out of bounds for '${h.name}' (valid 0..${h.length - 1})`, site);
  }

  protected checkImageArgument(what: string, image: number, site: number, allowNone: boolean): void {
    if (allowNone && image < 0) return;
    if (!(Number.isInteger(image) && image >= 0 && image < this.team.size)) {
      this.fail(`${what}: image index ${image} is out of range (valid 0..${this.team.size - 1})`, site);
    }
  }

  // --- arithmetic helpers -----------------------------------------------------------------------

  idiv(a: number, b: number, site: number): number {
    if (b === 0) this.fail("integer division by zero", site);
    return intDiv(a, b);
  }

  imod(a: number, b: number, site: number): number {
    if (b === 0) this.fail("integer remainder by zero", site);
    return intMod(a, b);
  }

  ipow(a: number, b: number, site: number): number {
    const result = intPow(a, b);
    if (result === null) this.fail(`0 ** ${b}: zero to a negative power`, site);
    return result;
  }

  toInt(x: number, site: number): number {
    const result = floatToInt(x);
    if (result === null) this.fail(`int(${formatValue(x, "float")}): the value is not in the int range`, site);
    return result;
  }

  // --- intrinsics with state --------------------------------------------------------------------

  random(): number {
    return this.rng.nextDouble();
  }
  seed(k: number): void {
    this.rng.reseed(k, this.rank);
  }
  protected randomState(): number[] {
    return this.rng.state();
  }
  protected setRandomState(state: readonly number[]): void {
    this.rng.setState(state);
  }
  wtime(): number {
    return this.clockOrigin + performance.now() / 1000;
  }
  argc(): number {
    return this.args.length;
  }
  arg(i: number): string {
    return Number.isInteger(i) && i >= 0 && i < this.args.length ? this.args[i] : "";
  }
  argInt(i: number, dflt: number, site: number): number {
    const text = this.arg(i);
    if (text === "" && !(i >= 0 && i < this.args.length)) return dflt;
    const trimmed = text.trim().replace(/_/g, "");
    let value = Number.NaN;
    if (/^[+-]?\d+$/.test(trimmed)) value = Number(trimmed);
    else if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(trimmed)) value = Number(trimmed.replace(/^([+-]?)0[xX]/, "$10x"));
    if (!Number.isFinite(value)) this.fail(`program argument ${i} ('${text}') is not an int`, site);
    if (value < -(2 ** 31) || value > 2 ** 31 - 1) this.fail(`program argument ${i} ('${text}') is outside the int range`, site);
    return value | 0;
  }
  argFloat(i: number, dflt: number, site: number): number {
    const text = this.arg(i);
    if (text === "" && !(i >= 0 && i < this.args.length)) return dflt;
    const trimmed = text.trim().replace(/_/g, "").toLowerCase();
    const special: Record<string, number> = { nan: NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "-infinity": -Infinity };
    if (trimmed in special) return special[trimmed];
    const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (Number.isNaN(value)) this.fail(`program argument ${i} ('${text}') is not a number`, site);
    return value;
  }

  // --- output -----------------------------------------------------------------------------------

  print(text: string): void {
    const line = this.label ? `${this.rank}: ${text}\n` : `${text}\n`;
    if (this.held !== null) this.held.push(line);
    else this.core.writeOut(line);
  }
  /** From now on lines are held until flushOutput (a program with checkpoints). */
  protected holdOutput(): void {
    this.held ??= [];
  }
  /** The held lines, not written. */
  protected heldOutput(): string {
    return this.held === null ? "" : this.held.join("");
  }
  /** Writes the held lines (a checkpoint was committed, or the image ends). */
  flushOutput(): void {
    if (this.held === null || this.held.length === 0) return;
    const text = this.held.join("");
    this.held.length = 0;
    this.core.writeOut(text);
  }
  str(value: number | boolean, kind: DataElem): string {
    return formatValue(value, kind);
  }
  fixed(x: number, digits: number): string {
    return formatFixed(x, digits);
  }
}
