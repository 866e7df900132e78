/**
 * String lookups without V8's string hash. Event values arrive as new string objects (every record is parsed
 * afresh), and V8 hashes a new string over all of its characters the first time it meets a Map or Set: ~240 ns
 * for a 110-character command line, against ~10 ns for a string already hashed (measured on Node 20). The per-value
 * caches of the rule index and the regex tests, and the literal sets of `eq` lists, look values up on every event,
 * so they key on {@link sampleHash} instead, which reads at most 32 characters, and confirm with `===`.
 */

const PRIME = 0x01000193;
const PRIME2 = 0x5bd1e995;

/**
 * A 32-bit hash of a string from its length and at most 24 of its code units: all of them up to 24, else the
 * first 4, the last 12 and 8 spread over the middle, folded in two independent lanes (a single multiply chain is
 * bound by its latency). Values that differ only elsewhere collide; every user of this hash compares the strings
 * themselves, so a collision costs a miss, never a wrong answer.
 */
export function sampleHash(s: string): number {
  const n = s.length;
  let a = Math.imul(n ^ 0x2545f491, 0x9e3779b1);
  let b = n;
  if (n <= 24) {
    let i = 0;
    for (; i + 1 < n; i += 2) {
      a = Math.imul(a ^ s.charCodeAt(i), PRIME);
      b = Math.imul(b ^ s.charCodeAt(i + 1), PRIME2);
    }
    if (i < n) a = Math.imul(a ^ s.charCodeAt(i), PRIME);
  } else {
    for (let i = 0; i < 4; i += 2) {
      a = Math.imul(a ^ s.charCodeAt(i), PRIME);
      b = Math.imul(b ^ s.charCodeAt(i + 1), PRIME2);
    }
    // Eight code units spread over [4, n - 12), in pairs.
    const step = (n - 16) / 8;
    for (let k = 0; k < 8; k += 2) {
      a = Math.imul(a ^ s.charCodeAt(4 + ((k * step) | 0)), PRIME);
      b = Math.imul(b ^ s.charCodeAt(4 + (((k + 1) * step) | 0)), PRIME2);
    }
    for (let i = n - 12; i < n; i += 2) {
      a = Math.imul(a ^ s.charCodeAt(i), PRIME);
      b = Math.imul(b ^ s.charCodeAt(i + 1), PRIME2);
    }
  }
  let h = a ^ Math.imul(b, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Slots per bucket of {@link StringCache}. */
const WAYS = 4;

/**
 * A bounded cache from strings to values: 4-way set-associative, keyed by {@link sampleHash}. It starts small and
 * doubles when half full or when a new entry finds its bucket full, up to `2^maxBits` slots (the rule index keeps
 * one per field and bucket: thousands, most of them holding a handful of values). At full size a new entry takes
 * a free slot of its bucket, else evicts the bucket's oldest entry. Nothing is ever returned for a string that was
 * not stored under it.
 */
export class StringCache<T> {
  private keys: Array<string | undefined>;
  private vals: Array<T | undefined>;
  private mask: number;
  private count = 0;

  constructor(private readonly maxBits = 12) {
    const size = Math.min(16, 1 << Math.max(2, maxBits));
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.vals = new Array<T | undefined>(size).fill(undefined);
    // A bucket is WAYS consecutive slots starting at `h & mask`.
    this.mask = (size - 1) & ~(WAYS - 1);
  }

  /** The value stored for `s`, or undefined. */
  get(s: string): T | undefined {
    const k = this.slot(s, sampleHash(s));
    return k < 0 ? undefined : this.vals[k];
  }

  /** The slot holding `s` (hash `h`), or -1. A bucket fills from its start and never has gaps. */
  private slot(s: string, h: number): number {
    const i = h & this.mask;
    const keys = this.keys;
    for (let k = i; k < i + WAYS; k++) {
      const x = keys[k];
      if (x === s) return k;
      if (x === undefined) return -1;
    }
    return -1;
  }

  /** Stores `v` for `s` (see the class comment for which entry it replaces). */
  set(s: string, v: T): void {
    const h = sampleHash(s);
    if (this.keys.length < 1 << this.maxBits) {
      // Below the bound nothing is evicted: the table doubles when half full, or when the bucket is full.
      const last = this.keys[(h & this.mask) + WAYS - 1];
      if (this.count * 2 >= this.keys.length || (last !== undefined && this.slot(s, h) < 0)) this.grow();
    }
    this.put(s, h, v);
  }

  private put(s: string, h: number, v: T): void {
    const i = h & this.mask;
    const keys = this.keys;
    const vals = this.vals;
    for (let k = i; k < i + WAYS; k++) {
      if (keys[k] === undefined) {
        keys[k] = s;
        vals[k] = v;
        this.count++;
        return;
      }
      if (keys[k] === s) {
        vals[k] = v;
        return;
      }
    }
    // Full: the oldest (first) goes, the others move up, the new one comes last.
    for (let k = i; k < i + WAYS - 1; k++) {
      keys[k] = keys[k + 1];
      vals[k] = vals[k + 1];
    }
    keys[i + WAYS - 1] = s;
    vals[i + WAYS - 1] = v;
  }

  private grow(): void {
    const keys = this.keys;
    const vals = this.vals;
    const size = keys.length * 2;
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.vals = new Array<T | undefined>(size).fill(undefined);
    this.mask = (size - 1) & ~(WAYS - 1);
    this.count = 0;
    // Bucket by bucket, oldest first, so each new bucket keeps its entries' order of age.
    for (let i = 0; i < keys.length; i++) if (keys[i] !== undefined) this.put(keys[i]!, sampleHash(keys[i]!), vals[i] as T);
  }
}

/**
 * A fixed set of strings for membership tests of event values: chained buckets by {@link sampleHash}, confirmed
 * with `===`. Built from rule literals, so its buckets stay short (values sharing length and sampled characters
 * share a bucket, and are told apart by the comparison).
 */
export class StringSet {
  private readonly heads: Int32Array;
  private readonly nextOf: Int32Array;
  private readonly items: string[];
  private readonly mask: number;

  constructor(values: Iterable<string>) {
    this.items = [...new Set(values)];
    let size = 8;
    while (size < this.items.length * 2) size *= 2;
    this.mask = size - 1;
    this.heads = new Int32Array(size).fill(-1);
    this.nextOf = new Int32Array(this.items.length);
    this.items.forEach((s, k) => {
      const b = sampleHash(s) & this.mask;
      this.nextOf[k] = this.heads[b]!;
      this.heads[b] = k;
    });
  }

  /** Number of distinct strings. */
  get size(): number {
    return this.items.length;
  }

  /** True when `s` is one of the strings. */
  has(s: string): boolean {
    const items = this.items;
    for (let k = this.heads[sampleHash(s) & this.mask]!; k >= 0; k = this.nextOf[k]!) if (items[k] === s) return true;
    return false;
  }
}
