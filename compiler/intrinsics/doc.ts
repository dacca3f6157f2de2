// Renders docs/intrinsics.md from the intrinsic catalogue, so the documentation cannot drift from
// what the checker accepts. Consumes compiler/intrinsics/catalogue.ts; gives Markdown text (a
// golden test compares it with docs/intrinsics.md; regenerate with `npm run accept`).

import { INTRINSICS, arityText } from "./catalogue.js";
import type { Intrinsic, IntrinsicGroup, Lowering } from "./intrinsic.js";
import { assertNever } from "../ast/visit.js";

function loweringText(l: Lowering): string {
  switch (l.kind) {
    case "math":
      return `\`${l.js}\``;
    case "runtime":
      return `\`rt.${l.method}\`${l.site ? " (with site)" : ""}`;
    case "atomic":
      return `atomic ${l.op}${l.fetch ? " (fetch)" : ""}`;
    case "collective":
      return `collective ${l.op}`;
    case "special":
      return "code generator";
    default:
      return assertNever(l);
  }
}

export function renderIntrinsicsDoc(): string {
  const lines: string[] = [
    "# Intrinsics",
    "",
    "<!-- Generated from compiler/intrinsics/ by compiler/intrinsics/doc.ts; a golden test keeps them equal.",
    "     Edit the catalogue, then run `npm run accept`. -->",
    "",
    "Every intrinsic of the language, as the checker accepts it. `int` arguments widen to `float`",
    "where a float is expected. A user declaration with the same name hides an intrinsic.",
    "\"Invariant\" intrinsics give the same value on every image and may size coarrays and shared",
    "arrays (with invariant arguments).",
    "",
  ];
  const groups = new Map<IntrinsicGroup, Intrinsic[]>();
  for (const i of INTRINSICS) groups.set(i.group, [...(groups.get(i.group) ?? []), i]);
  for (const [group, entries] of groups) {
    lines.push(`## ${group[0]!.toUpperCase()}${group.slice(1)}`, "");
    lines.push("| signature | arguments | what it does | invariant | lowering |", "| --- | --- | --- | --- | --- |");
    for (const i of entries) {
      lines.push(
        `| \`${i.signature.replace(/\|/g, "\\|")}\` | ${arityText(i)} | ${i.summary.replace(/\|/g, "\\|")} | ${i.invariant ? "yes" : ""} | ${loweringText(i.lowering)} |`,
      );
    }
    lines.push("");
  }
  lines.push(
    "## Argument rules the checker enforces",
    "",
    "- Atomics: the first argument is an `int` coarray element, own (`s`, `c(i)`) or remote (`s[p]`,",
    "  `c(i)[p]`), or an `int` shared-array element `x(i)`; value arguments are `int`.",
    "- Collectives: `v` is an `int`/`float` scalar variable or parameter, a scalar coarray's own part",
    "  `s`, or a whole local array or coarray's own part `c` (elementwise); not an element, a section",
    "  or a shared array. `r` and `src` are `int`. `co_reduce`'s `f` is a user function",
    "  `fn f(a: T, b: T) -> T` with T the element type of `v`.",
    "- `size`, `sum`, `minval`, `maxval` take an array reference: a name, a section `a(lo:hi)`, or a",
    "  coindexed array `c[p]`/`c(lo:hi)[p]`; not an elementwise expression (assign it to an array",
    "  first). `sum`, `minval`, `maxval` do not take shared arrays; `size` does.",
    "- `owner` takes a shared-array element `x(i)`; `event_query` this image's event `e`.",
    "- `print` takes scalars; `str` a scalar; `int`/`float` a number.",
    "",
  );
  return lines.join("\n");
}
