// The abstract syntax tree of a .pgas program: the one data structure every compiler phase shares.
// Produced by compiler/syntax/cst-to-ast.ts (shape only), annotated in place by compiler/check
// (fields marked "checker"), consumed by compiler/lower and compiler/emit, and printed by
// `pgasc build --emit ast`. Plain JSON-able objects: no classes, no cycles (symbols are by id).

import type { Span } from "../diagnostics/span.js";
import type { Type } from "./types.js";

export type { Span };

// ---------------------------------------------------------------------------------------------
// Program
// ---------------------------------------------------------------------------------------------

export interface Program {
  kind: "Program";
  file: string;
  /** Top-level items in source order: declarations, functions and statements. */
  body: TopLevel[];
  span: Span;
  /** checker: every symbol of the program, indexed by Symbol.id. */
  symbols?: Symbol[];
}

export type TopLevel = FnDecl | Stmt;

// ---------------------------------------------------------------------------------------------
// Type syntax (as written in declarations and parameters)
// ---------------------------------------------------------------------------------------------

export type ScalarName = "int" | "float" | "bool" | "string";
export type ElemName = ScalarName | "lock" | "event" | "team";

/** `float(:)`, `int(N, M)[*]`, `shared float(:)`, `lock[*]`: a written type. */
export interface TypeExpr {
  kind: "TypeExpr";
  elem: ElemName;
  /**
   * Array extents. In a declaration each is an expression; in a parameter each is `null`
   * (written `:`), giving only the rank. Empty for scalars.
   */
  dims: (Expr | null)[];
  /** True when written with `[*]`. */
  coarray: boolean;
  /** True for a parameter written `shared float(:)`, and for every SharedDecl's type. */
  shared: boolean;
  span: Span;
}

export type LayoutKind = "cyclic" | "block" | "blockcyclic";

/** Layout of a shared array: `cyclic` (B=1), `block` (B=ceil(N/P)), `cyclic(B)`. */
export interface Layout {
  kind: LayoutKind;
  /** The B of `cyclic(B)`; absent otherwise. */
  blockSize?: Expr;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

/** `const N = e` */
export interface ConstDecl {
  kind: "ConstDecl";
  name: Identifier;
  init: Expr;
  span: Span;
  /** checker */
  symbol?: number;
}

/** `var x = e`, `var x: T`, `var x: T = e`, `var c: float(N)[*]`, `var l: lock[*]` */
export interface VarDecl {
  kind: "VarDecl";
  name: Identifier;
  type: TypeExpr | null;
  init: Expr | null;
  span: Span;
  /** checker */
  symbol?: number;
}

/** `shared x: float(N) block` */
export interface SharedDecl {
  kind: "SharedDecl";
  name: Identifier;
  type: TypeExpr;
  /** Defaults to cyclic when not written (layout.span is then the declaration's span). */
  layout: Layout;
  span: Span;
  /** checker */
  symbol?: number;
}

export interface Param {
  kind: "Param";
  name: Identifier;
  type: TypeExpr;
  span: Span;
  /** checker */
  symbol?: number;
}

/** `fn f(a: float(:), n: int) -> float { ... }` */
export interface FnDecl {
  kind: "FnDecl";
  name: Identifier;
  params: Param[];
  /** null when no `->` is written: the function returns nothing. */
  returnType: TypeExpr | null;
  body: Block;
  span: Span;
  /** checker */
  symbol?: number;
}

export interface Identifier {
  kind: "Identifier";
  text: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

export type Stmt =
  | ConstDecl
  | VarDecl
  | SharedDecl
  | AssignStmt
  | ExprStmt
  | IfStmt
  | WhileStmt
  | ForStmt
  | ForallStmt
  | BreakStmt
  | ContinueStmt
  | ReturnStmt
  | StopStmt
  | ErrorStopStmt
  | CheckpointStmt
  | FormTeamStmt
  | ChangeTeamStmt
  | SyncAllStmt
  | SyncImagesStmt
  | SyncMemoryStmt
  | CriticalStmt
  | LockStmt
  | UnlockStmt
  | EventPostStmt
  | EventWaitStmt;

export interface Block {
  kind: "Block";
  body: Stmt[];
  span: Span;
}

export type AssignOp = "=" | "+=" | "-=" | "*=" | "/=";

/** `target op value`. The target is a Name, Apply (element/section) or Coindex expression. */
export interface AssignStmt {
  kind: "AssignStmt";
  op: AssignOp;
  target: Expr;
  value: Expr;
  /** `... notify e[p]` (LANGUAGE.md §7.2): the event the put posts on its target image. */
  notify?: Expr;
  span: Span;
}

/** A call used as a statement: `print(x)`, `co_sum(v)`, `f(a)`. */
export interface ExprStmt {
  kind: "ExprStmt";
  expr: Expr;
  span: Span;
}

export interface IfStmt {
  kind: "IfStmt";
  cond: Expr;
  then: Block;
  /** `else if` chains are an IfStmt here; plain `else` is a Block. */
  else: Block | IfStmt | null;
  span: Span;
}

export interface WhileStmt {
  kind: "WhileStmt";
  cond: Expr;
  body: Block;
  span: Span;
}

/** `for i in lo..hi [by step] { }` — half-open; step may be negative (then runs lo down to hi+1). */
export interface ForStmt {
  kind: "ForStmt";
  variable: Identifier;
  lo: Expr;
  hi: Expr;
  step: Expr | null;
  body: Block;
  span: Span;
  /** checker: the loop variable's symbol */
  symbol?: number;
}

/**
 * `forall i in lo..hi on aff { }`. When `aff` is a shared-array element reference (`x(i)`) the
 * iteration runs on its owner; otherwise `aff` is an int and the iteration runs on image
 * `aff mod num_images()`.
 */
export interface ForallStmt {
  kind: "ForallStmt";
  variable: Identifier;
  lo: Expr;
  hi: Expr;
  affinity: Expr;
  body: Block;
  span: Span;
  /** checker: the loop variable's symbol */
  symbol?: number;
  /** checker: "owner" when affinity is a shared-array element, "int" otherwise. */
  affinityKind?: "owner" | "int";
}

export interface BreakStmt {
  kind: "BreakStmt";
  span: Span;
}
export interface ContinueStmt {
  kind: "ContinueStmt";
  span: Span;
}
export interface ReturnStmt {
  kind: "ReturnStmt";
  value: Expr | null;
  span: Span;
}
export interface StopStmt {
  kind: "StopStmt";
  span: Span;
}
/** `error stop`, `error stop 3`, `error stop "message"` */
export interface ErrorStopStmt {
  kind: "ErrorStopStmt";
  value: Expr | null;
  span: Span;
}
/** `checkpoint` (LANGUAGE.md §7.3). */
export interface CheckpointStmt {
  kind: "CheckpointStmt";
  span: Span;
}
/** `form team(k, t)` (LANGUAGE.md §7.1): `team` is the Name of a team variable. */
export interface FormTeamStmt {
  kind: "FormTeamStmt";
  number: Expr;
  team: Expr;
  span: Span;
}
/** `change team(t) { body }` (LANGUAGE.md §7.1). */
export interface ChangeTeamStmt {
  kind: "ChangeTeamStmt";
  team: Expr;
  body: Block;
  span: Span;
}
export interface SyncAllStmt {
  kind: "SyncAllStmt";
  span: Span;
}
/** `sync images(p)`, `sync images(list)`, `sync images(*)` (images = null). */
export interface SyncImagesStmt {
  kind: "SyncImagesStmt";
  images: Expr | null;
  span: Span;
}
export interface SyncMemoryStmt {
  kind: "SyncMemoryStmt";
  span: Span;
}
export interface CriticalStmt {
  kind: "CriticalStmt";
  body: Block;
  span: Span;
}
/** `lock l[p]` — the operand is a Coindex (or a Name for the own image's lock). */
export interface LockStmt {
  kind: "LockStmt";
  lock: Expr;
  span: Span;
}
export interface UnlockStmt {
  kind: "UnlockStmt";
  lock: Expr;
  span: Span;
}
/** `event post e[p]` */
export interface EventPostStmt {
  kind: "EventPostStmt";
  event: Expr;
  span: Span;
}
/** `event wait e` / `event wait e until k` (the event must be the own image's: a Name). */
export interface EventWaitStmt {
  kind: "EventWaitStmt";
  event: Expr;
  until: Expr | null;
  span: Span;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Expr =
  | IntLiteral
  | FloatLiteral
  | StringLiteral
  | BoolLiteral
  | NameExpr
  | UnaryExpr
  | BinaryExpr
  | ApplyExpr
  | CoindexExpr;

interface ExprBase {
  span: Span;
  /** checker: the expression's type. */
  type?: Type;
}

export interface IntLiteral extends ExprBase {
  kind: "IntLiteral";
  /**
   * The value as written (parser: may exceed 2^31-1, e.g. 0xFFFFFFFF or 2147483648 under unary
   * minus); the checker validates the range and writes back the wrapped 32-bit value for hex.
   */
  value: number;
  /** The literal as written (`0x2A`, `1_000`). */
  text: string;
}
export interface FloatLiteral extends ExprBase {
  kind: "FloatLiteral";
  value: number;
  text: string;
}
export interface StringLiteral extends ExprBase {
  kind: "StringLiteral";
  /** The value with escapes resolved. */
  value: string;
}
export interface BoolLiteral extends ExprBase {
  kind: "BoolLiteral";
  value: boolean;
}
export interface NameExpr extends ExprBase {
  kind: "Name";
  name: string;
  /** checker: the symbol it resolves to (index into Program.symbols); absent if unresolved. */
  symbol?: number;
}

export type UnaryOp = "-" | "!" | "~";
export interface UnaryExpr extends ExprBase {
  kind: "Unary";
  op: UnaryOp;
  operand: Expr;
}

export type BinaryOp =
  | "||"
  | "&&"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "|"
  | "^"
  | "*"
  | "/"
  | "%"
  | "<<"
  | ">>"
  | "&"
  | "**";
export interface BinaryExpr extends ExprBase {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `lo:hi`, `:`, `lo:`, `:hi` inside an Apply's argument list. */
export interface SliceArg {
  kind: "Slice";
  lo: Expr | null;
  hi: Expr | null;
  span: Span;
}

export type Arg = Expr | SliceArg;

/**
 * `callee(args)`: syntactically one form for calls (`f(x)`, `sqrt(x)`, `float(i)`), element
 * references (`a(i)`, `m(i, j)`) and sections (`a(lo:hi)`, `m(:, j)`). The checker decides
 * which and records it in `role`.
 */
export interface ApplyExpr extends ExprBase {
  kind: "Apply";
  callee: NameExpr;
  args: Arg[];
  /**
   * checker:
   *  - "call": a user function (callee.symbol is the FnDecl's symbol)
   *  - "intrinsic": an entry of the intrinsic catalogue (compiler/intrinsics) (`intrinsic` holds its name)
   *  - "element": every arg is a scalar index: one element of an array/coarray/shared array
   *  - "section": at least one arg is a Slice: a rectangular part of an array
   */
  role?: "call" | "intrinsic" | "element" | "section";
  /** checker: for role "intrinsic", the catalogue name (`sqrt`, `co_sum`, `float`, ...). */
  intrinsic?: string;
}

/**
 * `base[image]`: the image selector. `base` is a Name (`s[p]`, `c[p]` whole array, `l[p]`) or an
 * Apply with role element/section (`c(i)[p]`, `c(lo:hi)[p]`, `g(i, j)[p]`).
 */
export interface CoindexExpr extends ExprBase {
  kind: "Coindex";
  base: NameExpr | ApplyExpr;
  image: Expr;
}

// ---------------------------------------------------------------------------------------------
// Symbols (checker)
// ---------------------------------------------------------------------------------------------

export type SymbolKind =
  | "const" //   `const N = ...`
  | "var" //     `var x ...` (local, top-level, coarray, lock, event)
  | "shared" //  `shared x: ...`
  | "param" //   function parameter
  | "loopvar" // `for`/`forall` variable: int, read-only
  | "function"; // user function

export interface Symbol {
  id: number;
  name: string;
  kind: SymbolKind;
  /** For data symbols: the storage type (see types.ts). For functions: a FunctionType. */
  type: Type;
  /** Declared at the program's top level (visible in functions). */
  topLevel: boolean;
  /** Span of the declaring identifier. */
  span: Span;
  /** For `const` whose value the checker could fold (int/float/bool/string literal arithmetic). */
  constValue?: number | boolean | string;
  /**
   * For shared arrays: the layout (same object as the SharedDecl's). For functions: the
   * FnDecl is found by walking Program.body for `symbol === id`.
   */
  layout?: Layout;
}
