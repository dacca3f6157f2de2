// Teams (LANGUAGE.md §7.1): `form team(k, t)` → `t = rt.formTeam(k, site)`; `change team(t) { B }`
// → `rt.changeTeam(t, "t", site); B; rt.endTeam(site)`. The checker guarantees B ends normally
// (no break, continue or return leaves it), so no try/finally: an image that unwinds by stop or
// abort must not synchronise its team on the way out. Consumes checked team statements; gives LIR.

import type { Block, ChangeTeamStmt, Expr, FormTeamStmt } from "../ast/nodes.js";
import type { LowerContext } from "./context.js";
import { assign, exprStmt, id, num, rtCall, str, type JsStmt } from "./lir.js";
import { lowerExpr } from "./lower-expressions.js";

/** The generated variable of a team operand (a Name, as the checker made sure). */
function teamVariable(ctx: LowerContext, e: Expr): string {
  if (e.kind !== "Name") throw new Error(`internal: a team operand that is not a name at ${e.span.line}:${e.span.col}`);
  const r = ctx.repr(e.symbol);
  if (r.kind !== "team") throw new Error(`internal: '${e.name}' is not a team`);
  return r.js;
}

export function lowerFormTeam(ctx: LowerContext, s: FormTeamStmt): JsStmt[] {
  const site = num(ctx.site(s.span));
  return [assign(id(teamVariable(ctx, s.team)), rtCall("formTeam", lowerExpr(ctx, s.number), site))];
}

export function lowerChangeTeam(ctx: LowerContext, s: ChangeTeamStmt, lowerBlock: (b: Block) => JsStmt[]): JsStmt[] {
  const site = num(ctx.site(s.span));
  const name = s.team.kind === "Name" ? s.team.name : "team";
  return [
    exprStmt(rtCall("changeTeam", id(teamVariable(ctx, s.team)), str(name), site)),
    ...lowerBlock(s.body),
    exprStmt(rtCall("endTeam", site)),
  ];
}
