// A compact text listing of the checker's annotations, one line per expression and declaration:
// `LINE:COL Kind type=... role=... symbol=name#id`. Consumes a checked Program; gives text that the
// golden tests compare and people can read (what the code generator will see).

import type { Arg, Block, Expr, Program, Stmt, TypeExpr } from "../ast/nodes.js";
import { typeToString, type Type } from "../ast/types.js";

export function typedAstListing(program: Program): string {
  const out: string[] = [];
  const symbols = program.symbols ?? [];
  const sym = (id: number | undefined) => (id === undefined ? "" : ` symbol=${symbols[id]?.name ?? "?"}#${id}`);
  const ty = (t: Type | undefined) => (t ? typeToString(t) : "<none>");
  const at = (n: { span: { line: number; col: number } }) => `${n.span.line}:${n.span.col}`;

  const expr = (e: Expr | null | undefined, depth: number): void => {
    if (!e) return;
    const pad = "  ".repeat(depth);
    let extra = "";
    if (e.kind === "Apply") extra = ` role=${e.role ?? "-"}${e.intrinsic ? ` intrinsic=${e.intrinsic}` : ""}`;
    if (e.kind === "Name") extra = sym(e.symbol);
    if (e.kind === "IntLiteral") extra = ` value=${e.value}`;
    if (e.kind === "Binary" || e.kind === "Unary") extra = ` op=${e.op}`;
    out.push(`${pad}${at(e)} ${e.kind} type=${ty(e.type)}${extra}`);
    switch (e.kind) {
      case "Unary":
        return expr(e.operand, depth + 1);
      case "Binary":
        expr(e.left, depth + 1);
        return expr(e.right, depth + 1);
      case "Apply":
        expr(e.callee, depth + 1);
        return e.args.forEach((a) => arg(a, depth + 1));
      case "Coindex":
        expr(e.base, depth + 1);
        return expr(e.image, depth + 1);
      default:
        return;
    }
  };
  const arg = (a: Arg, depth: number) => {
    if (a.kind !== "Slice") return expr(a, depth);
    out.push(`${"  ".repeat(depth)}${at(a)} Slice`);
    expr(a.lo, depth + 1);
    expr(a.hi, depth + 1);
  };
  const typeExpr = (t: TypeExpr | null, depth: number) => t?.dims.forEach((d) => expr(d, depth));
  const block = (b: Block, depth: number) => b.body.forEach((s) => stmt(s, depth));
  const stmt = (s: Stmt, depth: number): void => {
    const pad = "  ".repeat(depth);
    switch (s.kind) {
      case "ConstDecl":
      case "VarDecl":
      case "SharedDecl": {
        const symbol = s.symbol === undefined ? undefined : symbols[s.symbol];
        const value = symbol?.constValue === undefined ? "" : ` value=${JSON.stringify(symbol.constValue)}`;
        out.push(`${pad}${at(s)} ${s.kind} ${s.name.text} type=${ty(symbol?.type)}${sym(s.symbol)}${value}`);
        if (s.kind !== "ConstDecl") typeExpr(s.type, depth + 1);
        if (s.kind === "SharedDecl") expr(s.layout.blockSize, depth + 1);
        else expr(s.init, depth + 1);
        return;
      }
      case "ForStmt":
      case "ForallStmt":
        out.push(`${pad}${at(s)} ${s.kind}${sym(s.symbol)}${s.kind === "ForallStmt" ? ` affinity=${s.affinityKind}` : ""}`);
        expr(s.lo, depth + 1);
        expr(s.hi, depth + 1);
        expr(s.kind === "ForStmt" ? s.step : s.affinity, depth + 1);
        return block(s.body, depth + 1);
      default: {
        out.push(`${pad}${at(s)} ${s.kind}`);
        const node = s as unknown as Record<string, unknown>;
        for (const key of ["target", "value", "expr", "cond", "images", "lock", "event", "until"]) {
          const child = node[key] as Expr | null | undefined;
          if (child && typeof child === "object" && "kind" in child) expr(child, depth + 1);
        }
        for (const key of ["then", "else", "body"]) {
          const child = node[key] as Block | Stmt | null | undefined;
          if (!child) continue;
          if (child.kind === "Block") block(child, depth + 1);
          else stmt(child, depth + 1);
        }
      }
    }
  };

  for (const item of program.body) {
    if (item.kind === "FnDecl") {
      const symbol = item.symbol === undefined ? undefined : symbols[item.symbol];
      out.push(`${at(item)} FnDecl ${item.name.text} type=${ty(symbol?.type)}${sym(item.symbol)}`);
      for (const p of item.params) out.push(`  ${at(p)} Param ${p.name.text}${sym(p.symbol)}`);
      block(item.body, 1);
    } else stmt(item, 0);
  }
  return out.join("\n") + "\n";
}
