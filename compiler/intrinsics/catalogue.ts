// THE catalogue of intrinsics (LANGUAGE.md §5.2, §5.4-§5.6): one entry per name, with its signature
// check (consumed by compiler/check, which reports through it) and its `lowering` descriptor
// (consumed by compiler/lower). Entries are in parallel.ts and local.ts; docs/intrinsics.md is
// generated from them (doc.ts).

import type { Intrinsic } from "./intrinsic.js";
import { arrays, math, misc } from "./local.js";
import { atomics, collectives, images } from "./parallel.js";

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

export const INTRINSICS: readonly Intrinsic[] = [...images, ...atomics, ...collectives, ...math, ...arrays, ...misc];

/** Built once, never changed. */
const byName: ReadonlyMap<string, Intrinsic> = new Map(INTRINSICS.map((i) => [i.name, i]));

/** The catalogue entry named `name`, or undefined. */
export function lookupIntrinsic(name: string): Intrinsic | undefined {
  return byName.get(name);
}

/** How the accepted argument count reads in a message: "1 argument", "1 or 2 arguments", "2 or more arguments". */
export function arityText(i: Intrinsic): string {
  const plural = (n: number) => (n === 1 ? "argument" : "arguments");
  if (i.maxArgs === Infinity) return `${i.minArgs} or more ${plural(2)}`;
  if (i.minArgs === i.maxArgs) return i.minArgs === 0 ? "no arguments" : `${i.minArgs} ${plural(i.minArgs)}`;
  return `${i.minArgs} or ${i.maxArgs} arguments`;
}
