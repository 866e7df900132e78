// Leading characters that make spreadsheet software (Excel, LibreOffice, Sheets) read a cell as a
// formula or DDE call, including their full-width forms; OWASP "CSV Injection".
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV cell (RFC 4180): a cell that could start a formula is prefixed with `'`; a cell with a
 * comma, quote, CR or LF (or a prefixed one) is quoted with inner quotes doubled.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with CRLF ending (RFC 4180). */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
