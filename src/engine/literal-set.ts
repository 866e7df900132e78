/**
 * Multi-literal search (Aho–Corasick): finds which of many literals occur in a string in one pass over it,
 * whatever the number of literals (an RE2 set over the ~7,000 CommandLine literals of SigmaHQ exceeds RE2's
 * memory budget). Used by the rule index's prefilter; literals and text are compared as given (the caller
 * lower-cases both).
 */
export class LiteralSet {
  /** Per node: char code → child node. */
  private readonly next: Array<Map<number, number>> = [new Map<number, number>()];
  private fail: Int32Array = new Int32Array(1);
  /** Per node: indexes of the literals that end here (own and via suffix links), or null. */
  private readonly out: Array<number[] | null> = [null];

  constructor(readonly literals: readonly string[]) {
    literals.forEach((lit, k) => {
      let node = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let child = this.next[node]!.get(c);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map<number, number>());
          this.out.push(null);
          this.next[node]!.set(c, child);
        }
        node = child;
      }
      (this.out[node] ??= []).push(k);
    });
    // Breadth-first: failure links, and output lists merged along them.
    this.fail = new Int32Array(this.next.length);
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let qi = 0; qi < queue.length; qi++) {
      const node = queue[qi]!;
      for (const [c, child] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const g = this.next[f]!.get(c);
        const fl = g !== undefined && g !== child ? g : 0;
        this.fail[child] = fl;
        const inherited = this.out[fl];
        if (inherited) this.out[child] = [...(this.out[child] ?? []), ...inherited];
        queue.push(child);
      }
    }
  }

  /** Calls `hit(k)` for each literal index found in `s` (a literal found several times is reported each time). */
  scan(s: string, hit: (k: number) => void): void {
    const next = this.next;
    const fail = this.fail;
    const out = this.out;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let child = next[node]!.get(c);
      while (child === undefined && node !== 0) {
        node = fail[node]!;
        child = next[node]!.get(c);
      }
      node = child ?? 0;
      const o = out[node];
      if (o) for (const k of o) hit(k);
    }
  }
}
