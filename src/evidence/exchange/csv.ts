/**
 * CSV as Exchange's log writers produce it (RFC 4180 conventions): comma-separated, a field that contains a
 * comma, quote or line break is wrapped in double quotes, and a quote inside is doubled (`""`). A record can
 * therefore span several physical lines; `CsvRecordJoiner` glues them back by counting quotes.
 */

/** Splits one CSV record (already joined across line breaks) into its fields. Never throws. */
export function splitCsv(s: string): { values: string[]; malformed: boolean } {
  const values: string[] = [];
  let malformed = false;
  let i = 0;
  const n = s.length;
  for (;;) {
    if (i < n && s.charCodeAt(i) === 34 /* " */) {
      // Quoted field: runs to the closing quote not followed by another quote.
      let out = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const q = s.indexOf('"', j);
        if (q < 0) break;
        out += s.slice(j, q);
        if (q + 1 < n && s.charCodeAt(q + 1) === 34) {
          out += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        malformed = true;
        values.push(out + s.slice(j));
        return { values, malformed };
      }
      // Text between the closing quote and the next comma is not valid CSV; keep it rather than lose it.
      const comma = s.indexOf(',', j);
      const end = comma < 0 ? n : comma;
      if (end > j) {
        malformed = true;
        out += s.slice(j, end);
      }
      values.push(out);
      if (comma < 0) return { values, malformed };
      i = comma + 1;
    } else {
      const comma = s.indexOf(',', i);
      if (comma < 0) {
        values.push(s.slice(i));
        return { values, malformed };
      }
      values.push(s.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Counts double quotes in `s` (parity tells whether a quoted field is still open at the end of a line). */
export function quoteCount(s: string): number {
  let c = 0;
  let i = s.indexOf('"');
  while (i >= 0) {
    c++;
    i = s.indexOf('"', i + 1);
  }
  return c;
}
