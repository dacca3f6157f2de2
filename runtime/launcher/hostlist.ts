// Slurm hostlist expressions (`nid[001-004]`, `a[1,3-5]b`, `n1,n[2-3]`, `r[1-2]n[01-02]`):
// consumes the text of SLURM_STEP_NODELIST / SLURM_JOB_NODELIST; produces the host names in
// order, or throws HostlistError with a message that points at the faulty part.

export class HostlistError extends Error {}

/** Largest expansion accepted: a typo like `n[1-99999999]` must fail, not exhaust memory. */
export const MAX_HOSTLIST_HOSTS = 1_000_000;

/**
 * Expands a hostlist. Top-level commas separate entries; inside brackets, commas separate
 * ranges `lo-hi` or single numbers. A range keeps the zero-padding of its lower bound
 * (`[08-11]` gives 08 09 10 11), as Slurm does. Several bracket groups in one entry multiply out
 * left to right (`r[1-2]n[1-2]` gives r1n1 r1n2 r2n1 r2n2). Duplicates are kept: a host listed
 * twice is two entries.
 */
export function expandHostlist(text: string): string[] {
  const hosts: string[] = [];
  for (const entry of splitTopLevel(text.trim())) {
    if (entry === "") throw new HostlistError(`empty host name in hostlist '${text}'`);
    for (const host of expandEntry(entry, text)) {
      hosts.push(host);
      if (hosts.length > MAX_HOSTLIST_HOSTS) throw new HostlistError(`hostlist '${text}' names more than ${MAX_HOSTLIST_HOSTS} hosts`);
    }
  }
  if (hosts.length === 0) throw new HostlistError("empty hostlist");
  return hosts;
}

/** Splits on commas that are outside brackets; checks that brackets pair up and do not nest. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[") {
      if (depth > 0) throw new HostlistError(`nested '[' at position ${i + 1} of hostlist '${text}'`);
      depth = 1;
    } else if (c === "]") {
      if (depth === 0) throw new HostlistError(`']' without '[' at position ${i + 1} of hostlist '${text}'`);
      depth = 0;
    } else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0) throw new HostlistError(`'[' without ']' in hostlist '${text}'`);
  parts.push(text.slice(start));
  return parts;
}

/** One entry: literal pieces and bracket groups, multiplied out. */
function expandEntry(entry: string, whole: string): string[] {
  let results = [""];
  let i = 0;
  while (i < entry.length) {
    const open = entry.indexOf("[", i);
    if (open < 0) {
      results = results.map((r) => r + entry.slice(i));
      break;
    }
    const literal = entry.slice(i, open);
    const close = entry.indexOf("]", open);
    const values = expandRanges(entry.slice(open + 1, close), whole);
    if (results.length * values.length > MAX_HOSTLIST_HOSTS) {
      throw new HostlistError(`hostlist '${whole}' names more than ${MAX_HOSTLIST_HOSTS} hosts`);
    }
    const next: string[] = [];
    for (const r of results) for (const v of values) next.push(r + literal + v);
    results = next;
    i = close + 1;
  }
  for (const host of results) {
    if (/\s/.test(host)) throw new HostlistError(`host name '${host}' in hostlist '${whole}' contains white space`);
  }
  return results;
}

/** The inside of one bracket group: `1,3-5,08-11`. */
function expandRanges(inside: string, whole: string): string[] {
  if (inside.trim() === "") throw new HostlistError(`empty brackets in hostlist '${whole}'`);
  const values: string[] = [];
  for (const part of inside.split(",")) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new HostlistError(`bad range '${part}' in hostlist '${whole}' (expected N or N-M)`);
    const [, loText, hiText] = m;
    const lo = Number(loText);
    const hi = hiText === undefined ? lo : Number(hiText);
    if (hi < lo) throw new HostlistError(`range '${part}' in hostlist '${whole}' goes downwards`);
    if (hi - lo + 1 > MAX_HOSTLIST_HOSTS) throw new HostlistError(`hostlist '${whole}' names more than ${MAX_HOSTLIST_HOSTS} hosts`);
    // Slurm pads every number of a range to the width of the lower bound as written.
    const width = loText.length;
    for (let v = lo; v <= hi; v++) values.push(String(v).padStart(width, "0"));
  }
  return values;
}
