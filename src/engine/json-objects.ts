/**
 * Splits a stream of concatenated JSON values (`{...}{...}`, pretty-printed or not, as evtx_dump writes them,
 * or one per line) into the text of each top-level object, without holding more than one object in memory.
 * A top-level array is entered: its elements are yielded one by one.
 */
export class JsonObjectSplitter {
  private buf = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private arrayDepth = 0;
  /** Byte-ish position (characters) of the next object start, for locations. */
  private consumed = 0;

  /** Feeds text; returns the complete objects found, with their character offset. */
  push(chunk: string): Array<{ text: string; offset: number }> {
    const out: Array<{ text: string; offset: number }> = [];
    const base = this.buf.length;
    this.buf += chunk;
    const s = this.buf;
    for (let i = base; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) {
        if (this.depth > 0) this.inString = true;
      } else if (c === 0x7b) {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === 0x7d) {
        if (this.depth > 0 && --this.depth === 0 && this.start >= 0) {
          out.push({ text: s.slice(this.start, i + 1), offset: this.consumed + this.start });
          this.start = -1;
        }
      } else if (c === 0x5b && this.depth === 0) {
        this.arrayDepth++;
      } else if (c === 0x5d && this.depth === 0 && this.arrayDepth > 0) {
        this.arrayDepth--;
      }
    }
    // Keep only the unfinished object.
    const keepFrom = this.depth > 0 && this.start >= 0 ? this.start : s.length;
    this.consumed += keepFrom;
    this.buf = s.slice(keepFrom);
    if (this.start >= 0) this.start -= keepFrom;
    return out;
  }

  /** True when input ended inside an object (truncated file). */
  get pending(): boolean {
    return this.depth > 0;
  }
}
