// A notified put (LANGUAGE.md §7.2): `c(i)[p] = x notify e[p]` is the put, lowered as any put is,
// then rt.notifyPut(e, q, p): the runtime posts e on image q once the put's data is visible there
// (on one node a store then an atomic increment; to another node in the same frame as the data)
// and checks that q is the put's image p. The target's image is evaluated once, into a temporary
// the put reads too. Consumes a checked AssignStmt with `notify`; gives LIR statements.

import type { AssignStmt, Expr } from "../ast/nodes.js";
import type { LowerContext } from "./context.js";
import { constDecl, exprStmt, id, isTrivial, num, rtCall, type JsExpr, type JsStmt } from "./lir.js";
import { lowerExpr } from "./lower-expressions.js";

export function lowerNotifiedPut(
  ctx: LowerContext,
  s: AssignStmt & { notify: Expr },
  lowerPut: (put: AssignStmt) => JsStmt[],
  eventTarget: (e: Expr) => { handle: JsExpr; image: JsExpr },
): JsStmt[] {
  const target = s.target;
  if (target.kind !== "Coindex") throw new Error("internal: a notified put without an image selector");
  const out: JsStmt[] = [];
  let image = lowerExpr(ctx, target.image);
  let put: AssignStmt = { kind: "AssignStmt", op: s.op, target, value: s.value, span: s.span };
  if (!isTrivial(image)) {
    const temp = ctx.temp("image");
    out.push(constDecl(temp, image));
    put = { ...put, target: { ...target, image: ctx.tempName(temp, target.image) } };
    image = id(temp);
  }
  out.push(...lowerPut(put));
  const event = eventTarget(s.notify);
  out.push(exprStmt(rtCall("notifyPut", event.handle, event.image, image, num(ctx.site(s.notify.span)))));
  return out;
}
