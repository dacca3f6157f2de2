// The collectively allocated variables a node engine knows: the parts of its own images (what the
// RMA server reads and writes), mirrors of other nodes' parts (collective scratch) and their
// names (the watchdog's report). Consumes finished allocations; produces bounds-checked views.

interface SabViews {
  u8: Uint8Array;
  i32: Int32Array;
}

export class Segments {
  /** Segment id → parts of this node's images (index image - first). */
  private readonly parts = new Map<number, SharedArrayBuffer[]>();
  /** Segment id → mirrors of remote images' parts. */
  private readonly mirrors = new Map<number, Map<number, SharedArrayBuffer>>();
  /** Names of the collectively allocated variables by segment id. */
  private readonly names = new Map<number, string>();
  private readonly views = new WeakMap<SharedArrayBuffer, SabViews>();
  private nextId = 1;

  constructor(
    private readonly me: number,
    private readonly first: number,
    private readonly end: number,
  ) {}

  /** Records a new segment; returns its id. */
  add(name: string, local: SharedArrayBuffer[], mirrors: Map<number, SharedArrayBuffer>): number {
    const id = this.nextId++;
    this.names.set(id, name);
    this.parts.set(id, local);
    if (mirrors.size > 0) this.mirrors.set(id, mirrors);
    return id;
  }

  nameOf(id: number): string {
    return this.names.get(id) ?? "?";
  }

  localParts(id: number): SharedArrayBuffer[] | undefined {
    return this.parts.get(id);
  }

  mirrorsOf(id: number): Map<number, SharedArrayBuffer> | undefined {
    return this.mirrors.get(id);
  }

  /** The SharedArrayBuffer of (segment, image) on this node, or why there is none. */
  target(segment: number, image: number): SharedArrayBuffer | string {
    if (!(image >= this.first && image < this.end)) return `image ${image} is not on node ${this.me}`;
    const parts = this.parts.get(segment);
    if (!parts) return `unknown segment ${segment}`;
    return parts[image - this.first];
  }

  /** Bytes of elements [offset, offset+count) of size `size`, bounds-checked, or why not. */
  partBytes(segment: number, image: number, size: number, offset: number, count: number): Uint8Array | string {
    const target = this.target(segment, image);
    if (typeof target === "string") return target;
    const bytes = this.viewsOf(target).u8;
    const elements = Math.floor(bytes.length / size);
    if (!(offset <= elements && count <= elements - offset)) {
      return `elements ${offset}..${offset + count - 1} are outside segment ${segment} of image ${image} (0..${elements - 1})`;
    }
    return bytes.subarray(offset * size, (offset + count) * size);
  }

  viewsOf(sab: SharedArrayBuffer): SabViews {
    let views = this.views.get(sab);
    if (!views) {
      views = { u8: new Uint8Array(sab), i32: new Int32Array(sab, 0, Math.floor(sab.byteLength / 4)) };
      this.views.set(sab, views);
    }
    return views;
  }
}
