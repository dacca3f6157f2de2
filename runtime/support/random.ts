// Per-image pseudo-random streams for `random()` / `seed(k)` (LANGUAGE.md §5.6).
// Consumes a seed and the image number; produces reproducible doubles in [0, 1) with 53 random
// bits from xoshiro128** (state initialised by splitmix32 so nearby seeds give unrelated streams);
// the state can be taken and put back (checkpoint and restart).

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Xoshiro128 {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number, stream: number) {
    this.reseed(seed, stream);
  }

  /** Same (seed, stream) → same numbers on every run; different streams are independent. */
  reseed(seed: number, stream: number): void {
    const mixer = { s: (seed | 0) ^ Math.imul(stream + 1, 0x632be5ab) };
    // Fold the high part of large seeds in too.
    mixer.s ^= Math.floor(seed / 4294967296) | 0;
    splitmix32(mixer);
    this.a = splitmix32(mixer) | 0;
    this.b = splitmix32(mixer) | 0;
    this.c = splitmix32(mixer) | 0;
    this.d = splitmix32(mixer) | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The generator's whole state (what `checkpoint` saves): four 32-bit words. */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /** Puts back a state taken by state(): the stream continues exactly where it was. */
  setState(state: readonly number[]): void {
    [this.a, this.b, this.c, this.d] = [state[0]! | 0, state[1]! | 0, state[2]! | 0, state[3]! | 0];
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
