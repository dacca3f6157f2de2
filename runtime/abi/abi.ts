// The runtime ABI: the one narrow interface generated code calls (as OpenCoarrays' libcaf.h is
// for gfortran). Consumed by compiler/emit (which writes calls to it) and implemented by
// runtime/abi/runtime.ts over a conduit. Versioned: bump ABI_VERSION on any incompatible change.
//
// A compiled program is an ES module that imports nothing and exports:
//   export const abiVersion = 1;
//   export const sourceFile = "ring.pgas";          // as given to the compiler
//   export const sourceLines = ["...", ...];          // the .pgas text, for error excerpts
//   export const sites = [[line, col], ...];          // source positions; `site` args index this
//   export const checkpoints = 2;                     // only with `checkpoint` statements: how many
//   export function main(rt: Runtime): void { ... }   // the whole program, run by every image
// `main` is plain synchronous JavaScript. Every call below that can fail takes a `site` (an index
// into `sites`) so the error names the .pgas line. Calls documented "never returns" throw an
// internal signal that unwinds to the runtime; generated code must not catch exceptions
// (try/finally for `critical` is fine).

export const ABI_VERSION = 1;

/** Element kinds with storage: int → Int32Array, float → Float64Array, bool → Uint8Array (0/1). */
export type DataElem = "int" | "float" | "bool";
export type AllocElem = DataElem | "lock" | "event";
export type TypedArray = Int32Array | Float64Array | Uint8Array;

/** A coarray, lock or event: one part per image. */
export interface CoarrayHandle {
  readonly kind: "coarray";
  readonly name: string;
  readonly elem: AllocElem;
  /** Extents of one image's part: [] scalar, [n] 1-D, [rows, cols] 2-D. */
  readonly dims: readonly number[];
  /** Elements in one image's part (1 for scalars, locks and events). */
  readonly length: number;
  /** This image's part (lock/event: Int32Array of length 1). Never reallocated. */
  readonly local: TypedArray;
}

/** A shared array: `length` elements dealt out over the images by a block-cyclic layout. */
export interface SharedHandle {
  readonly kind: "shared";
  readonly name: string;
  readonly elem: DataElem;
  /** Global extents: [n] or [rows, cols]; the layout applies to the row-major linear index. */
  readonly dims: readonly number[];
  /** Total number of elements N. */
  readonly length: number;
  /** Block size B (1 for cyclic, ceil(N/P) for block). Linear element k is on (k/B) mod P. */
  readonly blockSize: number;
  /** The elements this image owns, in increasing k. */
  readonly local: TypedArray;
}

export type Handle = CoarrayHandle | SharedHandle;

/** A variable saved by `checkpoint`: a scalar, a private array or a team (null before form team). */
export type CheckpointValue = number | boolean | string | TypedArray | TeamValue | null;

export interface ResumeState {
  /** The id of the `checkpoint` statement to resume at. */
  checkpoint: number;
  /** The variables saved there, by generated name. */
  vars: Record<string, CheckpointValue>;
}

/**
 * A rectangle of elements inside an array's linear storage: element (a, b) for 0 <= a < n0,
 * 0 <= b < n1 is at offset + a*s0 + b*s1. A 1-D run is { offset, n0: len, s0: 1, n1: 1, s1: 0 }.
 * Sections are copied in (a, b) order, so a source and a destination rectangle conform when
 * n0*n1 are equal and the shapes agree after dropping extents of 1.
 */
export interface Rect {
  offset: number;
  n0: number;
  s0: number;
  n1: number;
  s1: number;
}

export type ReduceOp = "sum" | "min" | "max";
export type AtomicOp = "add" | "and" | "or" | "xor";
/** The layout of a shared declaration: "cyclic", "block", or B for `cyclic(B)`. */
export type LayoutSpec = "cyclic" | "block" | number;

/** A team (`var t: team`, §7.1): opaque to generated code, which only stores and passes it. */
export interface TeamValue {
  /** The `k` it was formed with. */
  readonly teamNumber: number;
}

export interface Runtime {
  readonly abiVersion: number;

  // --- images (of the current team: §7.1) ----------------------------------------------------
  thisImage(): number;
  numImages(): number;
  /** This image's number and the image count in the initial team (shared arrays' layouts use them). */
  layoutImage(): number;
  layoutImages(): number;

  // --- teams (§7.1) -----------------------------------------------------------------------------
  /** `form team(k, t)`: collective over the current team; gives the caller's new team. */
  formTeam(k: number, site: number): TeamValue;
  /** Entering `change team(t)` (`name`: the variable, for messages); synchronises t's images. */
  changeTeam(t: TeamValue | null, name: string, site: number): void;
  /** Leaving the innermost `change team`; synchronises its images. */
  endTeam(site: number): void;
  /** `team_number()`: k of the current team, -1 in the initial team. */
  teamNumber(): number;
  /** `initial_image(p)`: the initial-team number of image p of the current team. */
  initialImage(p: number, site: number): number;

  // --- collective allocation (every image, same order; ends with a `sync all`) --------------
  coarray(name: string, elem: AllocElem, dims: number[], site: number): CoarrayHandle;
  shared(name: string, elem: DataElem, dims: number[], layout: LayoutSpec, site: number): SharedHandle;

  // --- one-sided access to coarrays (offset = row-major index inside one image's part) ------
  // Checks image in 0..P-1 and offset in 0..length-1 (error names the variable).
  // bool elements travel as 0/1.
  get(h: CoarrayHandle, image: number, offset: number, site: number): number;
  put(h: CoarrayHandle, image: number, offset: number, value: number, site: number): void;
  /** Copy a rectangle of image's part into `dst` (a local typed array) at `dstRect`. */
  getRect(h: CoarrayHandle, image: number, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void;
  /** Copy `src` at `srcRect` into a rectangle of image's part. */
  putRect(h: CoarrayHandle, image: number, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void;

  // --- shared arrays (k = global row-major linear index, checked against 0..length-1) --------
  sget(h: SharedHandle, k: number, site: number): number;
  sput(h: SharedHandle, k: number, value: number, site: number): void;
  /** The image owning element k (`owner(x(k))`): its number in the current team, -1 if outside it. */
  owner(h: SharedHandle, k: number, site: number): number;
  /** The initial-team number of the image owning element k (atomics on shared elements take it). */
  layoutOwner(h: SharedHandle, k: number, site: number): number;
  /** Offset of element k inside its owner's part (h.local when the owner is this image). */
  localOffset(h: SharedHandle, k: number): number;
  /** Gather/scatter a rectangle of the global index space to/from a local array. */
  sgetRect(h: SharedHandle, src: Rect, dst: TypedArray, dstRect: Rect, site: number): void;
  sputRect(h: SharedHandle, dst: Rect, src: TypedArray, srcRect: Rect, site: number): void;

  // --- image control statements -------------------------------------------------------------
  syncAll(site: number): void;
  /** `sync images(p)`: a number; `(list)`: an int array; `(*)`: null. */
  syncImages(images: number | Int32Array | null, site: number): void;
  syncMemory(site: number): void;
  /** Each `critical` construct has its own id (0, 1, ... in source order). */
  criticalEnter(id: number, site: number): void;
  criticalExit(id: number, site: number): void;
  lock(h: CoarrayHandle, image: number, site: number): void;
  unlock(h: CoarrayHandle, image: number, site: number): void;
  eventPost(h: CoarrayHandle, image: number, site: number): void;
  /** Waits until this image's count of `h` reaches `until` (default 1), then subtracts it. */
  eventWait(h: CoarrayHandle, until: number, site: number): void;
  eventQuery(h: CoarrayHandle, site: number): number;
  /**
   * The signal of a notified put (`... notify e[image]`, §7.2), called right after the put to
   * `putImage`: posts event `h` on `image` once that put's data is visible there. Does not wait
   * and does not complete the image's other puts. `image` must be `putImage` (a runtime error).
   */
  notifyPut(h: CoarrayHandle, image: number, putImage: number, site: number): void;

  // --- atomics on int coarray elements (shared arrays: pass layoutOwner(h,k) / localOffset(h,k)) ---
  atomicDefine(h: Handle, image: number, offset: number, value: number, site: number): void;
  atomicRef(h: Handle, image: number, offset: number, site: number): number;
  /** Returns the old value (generated code ignores it for the non-fetch forms). */
  atomicOp(op: AtomicOp, h: Handle, image: number, offset: number, value: number, site: number): number;
  /** Returns the old value; stores `desired` only when the old value equals `expected`. */
  atomicCas(h: Handle, image: number, offset: number, expected: number, desired: number, site: number): number;

  // --- collectives (every image, same order; not image control statements) ------------------
  /** Returns the reduced value (on every image, or only meaningful on resultImage when >= 0). */
  coReduce(op: ReduceOp, elem: "int" | "float", value: number, resultImage: number, site: number): number;
  /** Elementwise, in place. */
  coReduceArray(op: ReduceOp, data: Int32Array | Float64Array, resultImage: number, site: number): void;
  coBroadcast(elem: "int" | "float", value: number, source: number, site: number): number;
  coBroadcastArray(data: Int32Array | Float64Array, source: number, site: number): void;
  /** `co_reduce(v, f)`: f is applied in a fixed order so every image gets the same result. */
  coReduceFn(elem: "int" | "float", value: number, f: (a: number, b: number) => number, site: number): number;
  coReduceFnArray(data: Int32Array | Float64Array, f: (a: number, b: number) => number, site: number): void;

  // --- checkpoint and restart (LANGUAGE.md §7.3) ----------------------------------------------
  // A module with `checkpoint` statements calls resumeState() first thing in main. On a restart it
  // gets the statement to resume at and the variables saved there; main then re-runs the
  // allocations (the runtime gives each the extents it had when the checkpoint was taken), skips
  // every other statement on its way to that `checkpoint`, and calls resumeAt() in its place.
  /** null on a fresh run; on a restart the checkpoint to resume at and the variables it saved. */
  resumeState(): ResumeState | null;
  /**
   * `checkpoint` statement number `id` (0, 1, ... in source order): collective over every image;
   * completes every image's puts, then saves `vars` (the variables in scope, by generated name),
   * every coarray and shared-array part, lock and event states and the random generator state.
   * Returns when the checkpoint is complete on disk.
   */
  checkpoint(id: number, vars: Record<string, CheckpointValue>, site: number): void;
  /** A restarted image is at checkpoint `id`: restores what it saved besides the variables; collective. */
  resumeAt(id: number, site: number): void;

  // --- termination and errors (all never return) --------------------------------------------
  /** `stop`: this image ends normally (keeps serving its data until every image has ended). */
  stop(site: number): never;
  /** `error stop [code | "message"]`: ends every image; exit status `code` (default 1). */
  errorStop(value: number | string | null, site: number): never;
  /** A runtime error: prints image, message and source line; ends every image with status 1. */
  fail(message: string, site: number): never;
  /** Index out of bounds: `indices` as written, `extents` of the array. */
  indexError(name: string, indices: number[], extents: readonly number[], site: number): never;

  // --- arithmetic helpers with runtime errors -----------------------------------------------
  /** int / int, truncating; error on zero divisor. */
  idiv(a: number, b: number, site: number): number;
  /** int % int, sign of dividend; error on zero divisor. */
  imod(a: number, b: number, site: number): number;
  /** int ** int (negative exponent: 1/(a**-b) truncated, as Fortran; 0 ** negative is an error). */
  ipow(a: number, b: number, site: number): number;
  /** `int(x)`: truncate toward zero; error if x is nan, infinite or outside the int range. */
  toInt(x: number, site: number): number;

  // --- intrinsics with runtime state ----------------------------------------------------------
  random(): number;
  seed(k: number): void;
  wtime(): number;
  argc(): number;
  arg(i: number): string;
  argInt(i: number, dflt: number, site: number): number;
  argFloat(i: number, dflt: number, site: number): number;

  // --- output ---------------------------------------------------------------------------------
  /** Writes one whole line (no trailing newline in `text`). */
  print(text: string): void;
  /** `str(v)` / print formatting: int decimal, float as Python's repr, bool true/false. */
  str(value: number | boolean, kind: DataElem): string;
  /** `fixed(x, d)`. */
  fixed(x: number, digits: number): string;
}
