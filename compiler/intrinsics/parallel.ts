// The intrinsics that involve other images (LANGUAGE.md §5.2, §5.4, §5.5): image numbers, events,
// atomics and collectives. Consumes the helpers of intrinsic.ts; gives their catalogue entries
// (their argument rules and how each is lowered to the runtime ABI).

import { INT, VOID, typeToString } from "../ast/types.js";
import { Check } from "../diagnostics/catalogue-check.js";
import type { AtomicOp, ReduceOp } from "../../runtime/abi/abi.js";
import { dataQuery, declarative, describe, expectArg, type Intrinsic, type IntrinsicCall } from "./intrinsic.js";

// ---------------------------------------------------------------------------------------------
// Images, events
// ---------------------------------------------------------------------------------------------

export const images: readonly Intrinsic[] = [
  declarative("this_image", "images", [], INT, { kind: "runtime", method: "thisImage", site: false }, "This image's number in the current team (§7.1), 0..num_images()-1."),
  declarative("num_images", "images", [], INT, { kind: "runtime", method: "numImages", site: false }, "The number of images of the current team.", {
    invariant: true,
    pure: true,
  }),
  declarative("team_number", "images", [], INT, { kind: "runtime", method: "teamNumber", site: false }, "The `k` of the current team (`form team`); -1 in the initial team."),
  declarative(
    "initial_image",
    "images",
    ["int"],
    INT,
    { kind: "runtime", method: "initialImage", site: true },
    "The number in the initial team of image p of the current team.",
  ),
  dataQuery(
    {
      name: "event_query",
      group: "images",
      signature: "event_query(e: event[*]) -> int",
      summary: "This image's count of event `e` (its own event, no image selector). Not an image control statement.",
      pure: false,
    },
    (ref) => ref.declared.tag === "event" && !ref.coindexed,
    (call, arg, ref) => call.services.report(Check.ownEventOperand, arg.expr.span, "'event_query'", describe(arg, ref)),
  ),
];

// ---------------------------------------------------------------------------------------------
// Atomics (§5.4)
// ---------------------------------------------------------------------------------------------

/** The first argument of an atomic: an int coarray element (own or remote) or an int shared element. */
function checkAtomicTarget(call: IntrinsicCall): boolean {
  const arg = call.args[0]!;
  if (arg.type.tag === "error") return false;
  const ref = call.services.reference(arg.expr);
  const d = ref?.declared;
  const ok =
    ref !== null &&
    d !== undefined &&
    ((d.tag === "coscalar" && d.elem === "int" && ref.form === "whole") ||
      (d.tag === "array" && d.elem === "int" && d.storage === "coarray" && ref.form === "element") ||
      (d.tag === "array" && d.elem === "int" && d.storage === "shared" && ref.form === "element" && !ref.coindexed));
  if (!ok) call.services.report(Check.atomicTarget, arg.expr.span, call.name, describe(arg, ref));
  return ok;
}

function atomic(name: string, op: "define" | "ref" | "cas" | AtomicOp, fetch: boolean, values: string[], summary: string): Intrinsic {
  const result = fetch || op === "ref" || op === "cas" ? INT : VOID;
  return {
    name,
    group: "atomics",
    signature: `${name}(ref: int coarray or shared element${values.map((v) => `, ${v}: int`).join("")})${result.tag === "int" ? " -> int" : ""}`,
    summary,
    minArgs: 1 + values.length,
    maxArgs: 1 + values.length,
    check(call) {
      let ok = checkAtomicTarget(call);
      for (let i = 1; i < call.args.length; i++) ok = expectArg(call, i, "int") && ok;
      return result;
    },
    lowering: { kind: "atomic", op, fetch },
    invariant: false,
    pure: false,
  };
}

export const atomics: readonly Intrinsic[] = [
  atomic("atomic_define", "define", false, ["v"], "Atomically stores `v` into `ref`."),
  atomic("atomic_ref", "ref", false, [], "Atomically reads `ref`."),
  atomic("atomic_add", "add", false, ["v"], "Atomically adds `v` to `ref`."),
  atomic("atomic_and", "and", false, ["v"], "Atomically ands `v` into `ref`."),
  atomic("atomic_or", "or", false, ["v"], "Atomically ors `v` into `ref`."),
  atomic("atomic_xor", "xor", false, ["v"], "Atomically xors `v` into `ref`."),
  atomic("atomic_fetch_add", "add", true, ["v"], "Atomically adds `v` to `ref`; gives the old value."),
  atomic("atomic_fetch_and", "and", true, ["v"], "Atomically ands `v` into `ref`; gives the old value."),
  atomic("atomic_fetch_or", "or", true, ["v"], "Atomically ors `v` into `ref`; gives the old value."),
  atomic("atomic_fetch_xor", "xor", true, ["v"], "Atomically xors `v` into `ref`; gives the old value."),
  atomic("atomic_cas", "cas", false, ["expected", "new"], "Stores `new` when `ref` equals `expected`; gives the old value."),
];

// ---------------------------------------------------------------------------------------------
// Collectives (§5.5)
// ---------------------------------------------------------------------------------------------

/** The in-place operand: an int/float scalar variable, a local array, or a coarray's own part. */
function checkCollectiveTarget(call: IntrinsicCall): "int" | "float" | null {
  const arg = call.args[0]!;
  if (arg.type.tag === "error") return null;
  const ref = call.services.reference(arg.expr);
  const d = ref?.declared;
  let elem: "int" | "float" | null = null;
  if (ref && d && ref.form === "whole" && !ref.coindexed && (ref.symbolKind === "var" || ref.symbolKind === "param")) {
    if (d.tag === "int" || d.tag === "float") elem = d.tag;
    else if (d.tag === "coscalar" && (d.elem === "int" || d.elem === "float")) elem = d.elem;
    else if (d.tag === "array" && d.storage !== "shared" && (d.elem === "int" || d.elem === "float")) elem = d.elem;
  }
  if (!elem) call.services.report(Check.collectiveTarget, arg.expr.span, call.name, describe(arg, ref));
  return elem;
}

function reduction(name: string, op: ReduceOp, summary: string): Intrinsic {
  return {
    name,
    group: "collectives",
    signature: `${name}(v: int|float variable or array [, r: int])`,
    summary,
    minArgs: 1,
    maxArgs: 2,
    check(call) {
      checkCollectiveTarget(call);
      if (call.args.length > 1) expectArg(call, 1, "int");
      return VOID;
    },
    lowering: { kind: "collective", op },
    invariant: false,
    pure: false,
  };
}

export const collectives: readonly Intrinsic[] = [
  reduction("co_sum", "sum", "Sums `v` over all images, in place (only on image `r` when given)."),
  reduction("co_min", "min", "Minimum of `v` over all images, in place (only on image `r` when given)."),
  reduction("co_max", "max", "Maximum of `v` over all images, in place (only on image `r` when given)."),
  {
    name: "co_broadcast",
    group: "collectives",
    signature: "co_broadcast(v: int|float variable or array, src: int)",
    summary: "Copies image `src`'s `v` into `v` on every image.",
    minArgs: 2,
    maxArgs: 2,
    check(call) {
      checkCollectiveTarget(call);
      expectArg(call, 1, "int");
      return VOID;
    },
    lowering: { kind: "collective", op: "broadcast" },
    invariant: false,
    pure: false,
  },
  {
    name: "co_reduce",
    group: "collectives",
    signature: "co_reduce(v: T variable or array, f: fn(a: T, b: T) -> T)",
    summary: "Reduces `v` over all images with the user function `f`, applied in image order; result in place on every image.",
    minArgs: 2,
    maxArgs: 2,
    check(call) {
      const elem = checkCollectiveTarget(call);
      const f = call.args[1]!;
      if (f.type.tag === "error") return VOID;
      const sig = call.services.functionSignature(f.expr);
      const want = elem ?? "T";
      const fits =
        sig !== null &&
        sig.params.length === 2 &&
        (elem === null || (sig.params.every((p) => p.tag === elem) && sig.result.tag === elem));
      if (!fits) {
        const found = sig
          ? `'${sig.name}' of type '${typeToString({ tag: "function", params: sig.params, result: sig.result })}'`
          : describe(f, null);
        call.services.report(Check.coReduceFunction, f.expr.span, want, found);
      }
      return VOID;
    },
    lowering: { kind: "collective", op: "reduce" },
    invariant: false,
    pure: false,
  },
];

