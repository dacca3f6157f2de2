// The small functions generated code may call besides the runtime (bounds checks, section
// validation, reductions over a Rect, shared-element atomics). Consumes the set of names the
// lowering used; gives their TypeScript source, emitted once each at the end of `main` (function
// declarations are hoisted) where they close over `rt`. Every name starts with `$`.

interface Helper {
  deps: string[];
  text: string;
}

const HELPERS: Readonly<Record<string, Helper>> = {
  $ck1: {
    deps: [],
    text: `
/** Checks a 1-D index; gives it back. */
function $ck1(i: number, n: number, name: string, site: number): number {
  if (i < 0 || i >= n) rt.indexError(name, [i], [n], site);
  return i;
}`,
  },
  $ck2: {
    deps: [],
    text: `
/** Checks a 2-D index pair; gives the row-major offset. */
function $ck2(i: number, j: number, rows: number, cols: number, name: string, site: number): number {
  if (i < 0 || i >= rows || j < 0 || j >= cols) rt.indexError(name, [i, j], [rows, cols], site);
  return i * cols + j;
}`,
  },
  $idx: {
    deps: [],
    text: `
/** A single index inside a section reference. */
function $idx(i: number, n: number, name: string, site: number): void {
  if (i < 0 || i >= n) rt.indexError(name, [i], [n], site);
}`,
  },
  $sec: {
    deps: [],
    text: `
/** A section lo:hi of a dimension of extent n (half-open). */
function $sec(lo: number, hi: number, n: number, name: string, site: number): void {
  if (lo > hi) rt.fail(\`the section \${lo}:\${hi} of '\${name}' ends before it starts\`, site);
  if (lo < 0) rt.indexError(name, [lo], [n], site);
  if (hi > n) rt.indexError(name, [hi - 1], [n], site);
}`,
  },
  $conform: {
    deps: [],
    text: `
/** Two sections conform: equal shapes (same rank), or equal after dropping extents of 1. */
function $conform(a0: number, a1: number, b0: number, b1: number, sameRank: boolean, site: number): void {
  if (a0 === b0 && a1 === b1) return;
  const a = [a0, a1].filter((n) => n !== 1);
  const b = [b0, b1].filter((n) => n !== 1);
  if (!sameRank && a.length === b.length && a.every((n, k) => n === b[k])) return;
  const shape = (x: number, y: number) => (y === 1 ? \`\${x}\` : \`\${x}x\${y}\`);
  rt.fail(\`array sections do not conform: \${shape(a0, a1)} and \${shape(b0, b1)} elements\`, site);
}`,
  },
  $size: {
    deps: [],
    text: `
/** An array extent as declared: a negative size is a runtime error. */
function $size(n: number, name: string, site: number): number {
  if (n < 0) rt.fail(\`the size of '\${name}' is negative (\${n})\`, site);
  return n;
}`,
  },
  $new: {
    deps: [],
    text: `
/** A private array: one too large for this image's memory is a runtime error naming its size. */
function $new<T extends Int32Array | Float64Array | Uint8Array>(
  C: { new (n: number): T; readonly BYTES_PER_ELEMENT: number },
  n: number,
  name: string,
  site: number,
): T {
  try {
    return new C(n);
  } catch {
    const bytes = n * C.BYTES_PER_ELEMENT;
    rt.fail(\`cannot allocate \${bytes} bytes (\${(bytes / 2 ** 30).toFixed(1)} GiB) for '\${name}' (\${n} elements)\`, site);
  }
}`,
  },
  $sub1: {
    deps: ["$sec"],
    text: `
/** a(lo:hi) as a view of the same memory. */
function $sub1<T extends Int32Array | Float64Array | Uint8Array>(a: T, lo: number, hi: number, name: string, site: number): T {
  $sec(lo, hi, a.length, name, site);
  return a.subarray(lo, hi) as T;
}`,
  },
  $subRow: {
    deps: ["$sec", "$idx"],
    text: `
/** m(i, lo:hi) of a row-major 2-D array as a view of the same memory. */
function $subRow<T extends Int32Array | Float64Array | Uint8Array>(
  a: T, rows: number, cols: number, i: number, lo: number, hi: number, name: string, site: number,
): T {
  $idx(i, rows, name, site);
  $sec(lo, hi, cols, name, site);
  return a.subarray(i * cols + lo, i * cols + hi) as T;
}`,
  },
  $rect1: {
    deps: ["$sec"],
    text: `
/** The Rect of a(lo:hi). */
function $rect1(lo: number, hi: number, n: number, name: string, site: number): Rect {
  $sec(lo, hi, n, name, site);
  return { offset: lo, n0: hi - lo, s0: 1, n1: 1, s1: 0 };
}`,
  },
  $rect2: {
    deps: ["$sec", "$idx"],
    text: `
/** The Rect of m(lo0:hi0, lo1:hi1); hi = NaN marks a single index (that dimension is dropped). */
function $rect2(lo0: number, hi0: number, lo1: number, hi1: number, rows: number, cols: number, name: string, site: number): Rect {
  if (Number.isNaN(hi0)) $idx(lo0, rows, name, site);
  else $sec(lo0, hi0, rows, name, site);
  if (Number.isNaN(hi1)) $idx(lo1, cols, name, site);
  else $sec(lo1, hi1, cols, name, site);
  const n0 = Number.isNaN(hi0) ? 1 : hi0 - lo0;
  const n1 = Number.isNaN(hi1) ? 1 : hi1 - lo1;
  return { offset: lo0 * cols + lo1, n0, s0: cols, n1, s1: 1 };
}`,
  },
  $fetchRect: {
    deps: [],
    text: `
/** A coindexed section fetched into a new dense local array. */
function $fetchRect(h: CoarrayHandle, image: number, r: Rect | null, elem: "int" | "float" | "bool", site: number): Int32Array | Float64Array | Uint8Array {
  const src = r ?? { offset: 0, n0: h.length, s0: 1, n1: 1, s1: 0 };
  const n = src.n0 * src.n1;
  const dst = elem === "int" ? new Int32Array(n) : elem === "float" ? new Float64Array(n) : new Uint8Array(n);
  rt.getRect(h, image, src, dst, { offset: 0, n0: src.n0, s0: src.n1, n1: src.n1, s1: 1 }, site);
  return dst;
}`,
  },
  $sumI: {
    deps: [],
    text: `
/** sum of int elements, wrapping to 32 bits. */
function $sumI(a: Int32Array | Float64Array | Uint8Array, r: Rect | null): number {
  let s = 0;
  if (r === null) {
    for (let k = 0; k < a.length; k++) s = (s + a[k]!) | 0;
    return s;
  }
  for (let x = 0; x < r.n0; x++) for (let y = 0; y < r.n1; y++) s = (s + a[r.offset + x * r.s0 + y * r.s1]!) | 0;
  return s;
}`,
  },
  $sumF: {
    deps: [],
    text: `
/** sum of float elements, in index order. */
function $sumF(a: Int32Array | Float64Array | Uint8Array, r: Rect | null): number {
  let s = 0;
  if (r === null) {
    for (let k = 0; k < a.length; k++) s += a[k]!;
    return s;
  }
  for (let x = 0; x < r.n0; x++) for (let y = 0; y < r.n1; y++) s += a[r.offset + x * r.s0 + y * r.s1]!;
  return s;
}`,
  },
  $minval: {
    deps: ["$extremum"],
    text: `
function $minval(a: Int32Array | Float64Array | Uint8Array, r: Rect | null, site: number): number {
  return $extremum(a, r, -1, "minval", site);
}`,
  },
  $maxval: {
    deps: ["$extremum"],
    text: `
function $maxval(a: Int32Array | Float64Array | Uint8Array, r: Rect | null, site: number): number {
  return $extremum(a, r, 1, "maxval", site);
}`,
  },
  $extremum: {
    deps: [],
    text: `
/** minval (sign -1) or maxval (sign 1); an empty array is a runtime error. */
function $extremum(a: Int32Array | Float64Array | Uint8Array, r: Rect | null, sign: number, what: string, site: number): number {
  const rect = r ?? { offset: 0, n0: a.length, s0: 1, n1: 1, s1: 0 };
  if (rect.n0 * rect.n1 === 0) rt.fail(\`\${what} of an empty array\`, site);
  let best = a[rect.offset]!;
  for (let x = 0; x < rect.n0; x++) {
    for (let y = 0; y < rect.n1; y++) {
      const v = a[rect.offset + x * rect.s0 + y * rect.s1]!;
      if (sign < 0 ? v < best : v > best) best = v;
    }
  }
  return best;
}`,
  },
  $dimSize: {
    deps: [],
    text: `
/** size(a, d) with d computed at run time. */
function $dimSize(d: number, rows: number, cols: number, rank: number, site: number): number {
  if (d === 0) return rows;
  if (d === 1 && rank === 2) return cols;
  return rt.fail(\`size: dimension \${d} is out of range for an array of rank \${rank}\`, site);
}`,
  },
  $round: {
    deps: [],
    text: `
/** round: halves go away from zero. */
function $round(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}`,
  },
  $sAtomicDefine: {
    deps: [],
    text: `
function $sAtomicDefine(h: SharedHandle, k: number, v: number, site: number): void {
  rt.atomicDefine(h, rt.layoutOwner(h, k, site), rt.localOffset(h, k), v, site);
}`,
  },
  $sAtomicRef: {
    deps: [],
    text: `
function $sAtomicRef(h: SharedHandle, k: number, site: number): number {
  return rt.atomicRef(h, rt.layoutOwner(h, k, site), rt.localOffset(h, k), site);
}`,
  },
  $sAtomicOp: {
    deps: [],
    text: `
function $sAtomicOp(op: "add" | "and" | "or" | "xor", h: SharedHandle, k: number, v: number, site: number): number {
  return rt.atomicOp(op, h, rt.layoutOwner(h, k, site), rt.localOffset(h, k), v, site);
}`,
  },
  $sAtomicCas: {
    deps: [],
    text: `
function $sAtomicCas(h: SharedHandle, k: number, expected: number, desired: number, site: number): number {
  return rt.atomicCas(h, rt.layoutOwner(h, k, site), rt.localOffset(h, k), expected, desired, site);
}`,
  },
};

/** The helpers' source for `names` and their dependencies, in a stable order. */
export function helperSource(names: Iterable<string>): string {
  const all = new Set<string>();
  const add = (n: string): void => {
    if (all.has(n)) return;
    const h = HELPERS[n];
    if (!h) throw new Error(`internal: no helper ${n}`);
    all.add(n);
    h.deps.forEach(add);
  };
  for (const n of names) add(n);
  return Object.keys(HELPERS)
    .filter((n) => all.has(n))
    .map((n) => HELPERS[n]!.text.trim())
    .join("\n\n");
}
