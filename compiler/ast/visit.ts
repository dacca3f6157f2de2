// The one walker of the AST, modelled on TypeScript's `forEachChild`: which fields of each node kind
// hold child nodes is written here once, so a phase that only needs to walk cannot forget a child.
// Consumes any node of compiler/ast/nodes.ts; gives its children in source order, and assertNever.

import type * as A from "./nodes.js";

/** Every node of the tree: each has a `kind` that tells it apart from the others. */
export type Node =
  | A.Program
  | A.FnDecl
  | A.Param
  | A.Identifier
  | A.TypeExpr
  | A.Layout
  | A.Block
  | A.Stmt
  | A.Expr
  | A.SliceArg;

export type NodeKind = Node["kind"];

/**
 * The end of an exhaustive switch: `default: return assertNever(x)` compiles only while every
 * member of x's union has its case, so a kind added to a union is an error wherever it is not
 * handled. Reaching it at run time means a malformed tree.
 */
export function assertNever(x: never): never {
  const kind = (x as { kind?: unknown; k?: unknown } | null)?.kind ?? (x as { k?: unknown } | null)?.k;
  throw new Error(`internal: unexpected ${kind === undefined ? JSON.stringify(x) : `kind '${String(kind)}'`}`);
}

/**
 * Whether each expression kind is a designator: it designates something by name (a variable, an
 * element or a section, a call, a remote reference); the others are values computed from their
 * parts (literals, operators). A table over every kind, so a kind added to nodes.ts must be placed.
 */
const DESIGNATOR = {
  Name: true,
  Apply: true,
  Coindex: true,
  IntLiteral: false,
  FloatLiteral: false,
  StringLiteral: false,
  BoolLiteral: false,
  Unary: false,
  Binary: false,
} as const satisfies Record<A.Expr["kind"], boolean>;

/** The kinds whose entry above is true. */
export type Designator = Extract<A.Expr, { kind: KindsWhere<typeof DESIGNATOR, true> }>;

/** The keys of a table whose value is `value`. */
export type KindsWhere<Table, Value> = { [K in keyof Table]: Table[K] extends Value ? K : never }[keyof Table];

export function isDesignator(e: A.Expr): e is Designator {
  return DESIGNATOR[e.kind];
}

type Child = Node | null | undefined;

/**
 * Calls `visit` on each direct child of `node`, in source order, and stops at the first call that
 * gives a value other than undefined, which it returns (a search stops early; a walk returns
 * nothing and visits everything). Absent optional children (`else`, `step`, `init`...) are skipped.
 */
export function forEachChild<T>(node: Node, visit: (child: Node) => T | undefined): T | undefined {
  const one = (c: Child): T | undefined => (c ? visit(c) : undefined);
  const all = (cs: readonly Child[]): T | undefined => {
    for (const c of cs) {
      const r = one(c);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  switch (node.kind) {
    case "Program":
      return all(node.body);
    case "FnDecl":
      return all([node.name, ...node.params, node.returnType, node.body]);
    case "Param":
      return all([node.name, node.type]);
    case "TypeExpr":
      return all(node.dims);
    case "cyclic":
    case "block":
    case "blockcyclic":
      return one(node.blockSize);
    case "Block":
      return all(node.body);
    // statements
    case "ConstDecl":
      return all([node.name, node.init]);
    case "VarDecl":
      return all([node.name, node.type, node.init]);
    case "SharedDecl":
      return all([node.name, node.type, node.layout]);
    case "AssignStmt":
      return all([node.target, node.value, node.notify]);
    case "ExprStmt":
      return one(node.expr);
    case "IfStmt":
      return all([node.cond, node.then, node.else]);
    case "WhileStmt":
      return all([node.cond, node.body]);
    case "ForStmt":
      return all([node.variable, node.lo, node.hi, node.step, node.body]);
    case "ForallStmt":
      return all([node.variable, node.lo, node.hi, node.affinity, node.body]);
    case "ReturnStmt":
    case "ErrorStopStmt":
      return one(node.value);
    case "SyncImagesStmt":
      return one(node.images);
    case "CriticalStmt":
      return one(node.body);
    case "FormTeamStmt":
      return all([node.number, node.team]);
    case "ChangeTeamStmt":
      return all([node.team, node.body]);
    case "LockStmt":
    case "UnlockStmt":
      return one(node.lock);
    case "EventPostStmt":
      return one(node.event);
    case "EventWaitStmt":
      return all([node.event, node.until]);
    // expressions
    case "Unary":
      return one(node.operand);
    case "Binary":
      return all([node.left, node.right]);
    case "Apply":
      return all([node.callee, ...node.args]);
    case "Slice":
      return all([node.lo, node.hi]);
    case "Coindex":
      return all([node.base, node.image]);
    // leaves
    case "Identifier":
    case "BreakStmt":
    case "ContinueStmt":
    case "StopStmt":
    case "CheckpointStmt":
    case "SyncAllStmt":
    case "SyncMemoryStmt":
    case "IntLiteral":
    case "FloatLiteral":
    case "StringLiteral":
    case "BoolLiteral":
    case "Name":
      return undefined;
    default:
      return assertNever(node);
  }
}

/** Calls `visit` on `node` and every node below it, parents before children, in source order. */
export function forEachDescendant(node: Node, visit: (n: Node) => void): void {
  const walk = (n: Node): undefined => {
    visit(n);
    forEachChild(n, walk);
    return undefined;
  };
  walk(node);
}
