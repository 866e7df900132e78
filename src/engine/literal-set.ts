/** A trie under construction: per node its children by code unit, and the indexes of the literals ending there. */
export interface Trie {
  next: Array<Map<number, number>>;
  out: Array<number[] | null>;
}

/** The trie of `literals` (read back to front when `reverse`: for suffixes). Node 0 is the root. */
export function buildTrie(literals: readonly string[], reverse = false): Trie {
  const next: Array<Map<number, number>> = [new Map<number, number>()];
  const out: Array<number[] | null> = [null];
  literals.forEach((lit, k) => {
    let node = 0;
    for (let i = 0; i < lit.length; i++) {
      const c = lit.charCodeAt(reverse ? lit.length - 1 - i : i);
      let child = next[node]!.get(c);
      if (child === undefined) {
        child = next.length;
        next.push(new Map<number, number>());
        out.push(null);
        next[node]!.set(c, child);
      }
      node = child;
    }
    (out[node] ??= []).push(k);
  });
  return { next, out };
}

/**
 * Aho–Corasick failure links of a trie, breadth-first; each node's output list gains its failure node's (so a node
 * reports every literal that ends there as a suffix). Returns the links and the breadth-first order (root first),
 * in which a node's failure node always comes earlier.
 */
export function linkTrie(t: Trie): { fail: Int32Array; order: number[] } {
  const { next, out } = t;
  const fail = new Int32Array(next.length);
  const order: number[] = [0];
  for (let qi = 0; qi < order.length; qi++) {
    const node = order[qi]!;
    for (const [c, child] of next[node]!) {
      let fl = 0;
      if (node !== 0) {
        let f = fail[node]!;
        while (f !== 0 && !next[f]!.has(c)) f = fail[f]!;
        fl = next[f]!.get(c) ?? 0;
      }
      fail[child] = fl;
      const inherited = out[fl];
      if (inherited) out[child] = [...(out[child] ?? []), ...inherited];
      order.push(child);
    }
  }
  return { fail, order };
}

/**
 * A trie's child maps as flat arrays: node i's children are `chars[first[i] .. first[i + 1])` (sorted) with their
 * nodes in `kids` at the same places. Walking sorted runs of a typed array beats a Map per node (cache, no hashing).
 */
function flatTrie(next: ReadonlyArray<Map<number, number>>): { first: Int32Array; chars: Uint16Array; kids: Int32Array } {
  const n = next.length;
  const first = new Int32Array(n + 1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    first[i] = edges;
    edges += next[i]!.size;
  }
  first[n] = edges;
  const chars = new Uint16Array(edges);
  const kids = new Int32Array(edges);
  for (let i = 0; i < n; i++) {
    let e = first[i]!;
    for (const [c, child] of [...next[i]!].sort((a, b) => a[0] - b[0])) {
      chars[e] = c;
      kids[e++] = child;
    }
  }
  return { first, chars, kids };
}

/**
 * Multi-literal search (Aho–Corasick): finds which of many literals occur in a string in one pass over it,
 * whatever the number of literals (an RE2 set over the ~7,000 CommandLine literals of SigmaHQ exceeds RE2's
 * memory budget). Used by the rule index's prefilter; literals and text are compared as given (the caller
 * lower-cases both).
 *
 * The automaton lives in flat typed arrays: the root's ASCII transitions as a table (most characters of a log value
 * start no literal, and the scan sits at the root for them), and every node's children as a run of (code unit,
 * child) pairs sorted by code unit, found by a short linear scan (most trie nodes have one child). A Map per node,
 * as before, cost a hash lookup per character of every value scanned.
 */
export class LiteralSet {
  /** Root transitions on ASCII: code unit → child node, 0 when none (other code units: the root's run). */
  private readonly root: Int32Array;
  /** Per node: its children's run in `chars` / `kids` is [first[node], first[node + 1]). */
  private readonly first: Int32Array;
  private readonly chars: Uint16Array;
  private readonly kids: Int32Array;
  private readonly fail: Int32Array;
  /** Per node: indexes of the literals that end here (own and via suffix links), or null. */
  private readonly out: Array<number[] | null>;

  constructor(readonly literals: readonly string[]) {
    // Build the trie with Maps first (simple), then freeze it into the flat arrays.
    const trie = buildTrie(literals);
    this.root = new Int32Array(128);
    for (const [c, child] of trie.next[0]!) if (c < 128) this.root[c] = child;
    ({ first: this.first, chars: this.chars, kids: this.kids } = flatTrie(trie.next));
    this.fail = linkTrie(trie).fail;
    this.out = trie.out;
  }

  /** The child of `node` on code unit `c`, or -1. */
  private step(node: number, c: number): number {
    if (node === 0 && c < 128) return this.root[c]! || -1;
    const chars = this.chars;
    const end = this.first[node + 1]!;
    for (let e = this.first[node]!; e < end; e++) {
      const x = chars[e]!;
      if (x === c) return this.kids[e]!;
      if (x > c) break;
    }
    return -1;
  }

  /** True when some literal occurs in `s` (stops at the first). */
  has(s: string): boolean {
    const fail = this.fail;
    const out = this.out;
    const root = this.root;
    if (out[0]) return true;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (node === 0 && c < 128) {
        node = root[c]!;
        if (node === 0) continue;
      } else {
        let child = this.step(node, c);
        while (child < 0 && node !== 0) {
          node = fail[node]!;
          child = this.step(node, c);
        }
        node = child < 0 ? 0 : child;
      }
      if (out[node]) return true;
    }
    return false;
  }

  /** Calls `hit(k)` for each literal index found in `s` (a literal found several times is reported each time). */
  scan(s: string, hit: (k: number) => void): void {
    const fail = this.fail;
    const out = this.out;
    const root = this.root;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (node === 0 && c < 128) {
        node = root[c]!;
        if (node === 0) continue;
      } else {
        let child = this.step(node, c);
        while (child < 0 && node !== 0) {
          node = fail[node]!;
          child = this.step(node, c);
        }
        node = child < 0 ? 0 : child;
      }
      const o = out[node];
      if (o) for (let j = 0; j < o.length; j++) hit(o[j]!);
    }
  }
}

/**
 * Anchored literal sets: whether a string starts (or ends) with one of many literals, by one walk down a trie from
 * the string's start (or end) instead of a startsWith / endsWith per literal. SigmaHQ rules list dozens to
 * hundreds of image names under one `|endswith`.
 */
export class AffixSet {
  private readonly first: Int32Array;
  private readonly chars: Uint16Array;
  private readonly kids: Int32Array;
  /** Per node: 1 when a literal ends here. */
  private readonly end: Uint8Array;

  /** `suffix`: the literals are matched at the end of the string. */
  constructor(
    literals: readonly string[],
    private readonly suffix: boolean,
  ) {
    const { next, out } = buildTrie(literals, suffix);
    ({ first: this.first, chars: this.chars, kids: this.kids } = flatTrie(next));
    this.end = Uint8Array.from(out, (o) => (o === null ? 0 : 1));
  }

  /** True when `s` starts (prefix set) or ends (suffix set) with one of the literals. */
  test(s: string): boolean {
    const chars = this.chars;
    const first = this.first;
    let node = 0;
    if (this.end[0] === 1) return true;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(this.suffix ? s.length - 1 - k : k);
      const stop = first[node + 1]!;
      let child = -1;
      for (let e = first[node]!; e < stop; e++) {
        const x = chars[e]!;
        if (x === c) {
          child = this.kids[e]!;
          break;
        }
        if (x > c) break;
      }
      if (child < 0) return false;
      node = child;
      if (this.end[node] === 1) return true;
    }
    return false;
  }
}
