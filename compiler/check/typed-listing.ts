// A compact text listing of the checker's annotations, one line per expression and declaration:
// `LINE:COL Kind type=... role=... symbol=name#id`. Consumes a checked Program; gives text that the
// golden tests compare and people can read (what the code generator will see).

import type { Program } from "../ast/nodes.js";
import { typeToString, type Type } from "../ast/types.js";
import { assertNever, forEachChild, type Node } from "../ast/visit.js";

export function typedAstListing(program: Program): string {
  const out: string[] = [];
  const symbols = program.symbols ?? [];
  const sym = (id: number | undefined) => (id === undefined ? "" : ` symbol=${symbols[id]?.name ?? "?"}#${id}`);
  const symbolType = (id: number | undefined) => ty(id === undefined ? undefined : symbols[id]?.type);
  const ty = (t: Type | undefined) => (t ? typeToString(t) : "<none>");

  /** What follows `LINE:COL ` on a node's line, or undefined for a node listed only by its children. */
  const describe = (n: Node): string | undefined => {
    switch (n.kind) {
      case "FnDecl":
        return `FnDecl ${n.name.text} type=${symbolType(n.symbol)}${sym(n.symbol)}`;
      case "Param":
        return `Param ${n.name.text}${sym(n.symbol)}`;
      case "ConstDecl":
      case "VarDecl":
      case "SharedDecl": {
        const value = n.symbol === undefined ? undefined : symbols[n.symbol]?.constValue;
        const shown = value === undefined ? "" : ` value=${JSON.stringify(value)}`;
        return `${n.kind} ${n.name.text} type=${symbolType(n.symbol)}${sym(n.symbol)}${shown}`;
      }
      case "ForStmt":
        return `${n.kind}${sym(n.symbol)}`;
      case "ForallStmt":
        return `${n.kind}${sym(n.symbol)} affinity=${n.affinityKind}`;
      case "AssignStmt":
      case "ExprStmt":
      case "IfStmt":
      case "WhileStmt":
      case "BreakStmt":
      case "ContinueStmt":
      case "ReturnStmt":
      case "StopStmt":
      case "ErrorStopStmt":
      case "CheckpointStmt":
      case "SyncAllStmt":
      case "SyncImagesStmt":
      case "SyncMemoryStmt":
      case "CriticalStmt":
      case "FormTeamStmt":
      case "ChangeTeamStmt":
      case "LockStmt":
      case "UnlockStmt":
      case "EventPostStmt":
      case "EventWaitStmt":
        return n.kind;
      case "Slice":
        return "Slice";
      case "IntLiteral":
        return `${n.kind} type=${ty(n.type)} value=${n.value}`;
      case "Name":
        return `${n.kind} type=${ty(n.type)}${sym(n.symbol)}`;
      case "Unary":
      case "Binary":
        return `${n.kind} type=${ty(n.type)} op=${n.op}`;
      case "Apply":
        return `${n.kind} type=${ty(n.type)} role=${n.role ?? "-"}${n.intrinsic ? ` intrinsic=${n.intrinsic}` : ""}`;
      case "FloatLiteral":
      case "StringLiteral":
      case "BoolLiteral":
      case "Coindex":
        return `${n.kind} type=${ty(n.type)}`;
      // listed through their children: the program, blocks, written types and layouts; names
      // of declarations are on their declaration's line
      case "Program":
      case "Block":
      case "TypeExpr":
      case "cyclic":
      case "block":
      case "blockcyclic":
      case "Identifier":
        return undefined;
      default:
        return assertNever(n);
    }
  };

  const list = (n: Node, depth: number): undefined => {
    const line = describe(n);
    if (line !== undefined) out.push(`${"  ".repeat(depth)}${n.span.line}:${n.span.col} ${line}`);
    forEachChild(n, (child) => list(child, line === undefined ? depth : depth + 1));
    return undefined;
  };
  list(program, 0);
  return out.join("\n") + "\n";
}
