import type { Locator } from '../model/index.js';

/** Epoch ms → ISO 8601 UTC, or '' for no time. */
export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Bytes as a short human figure (1024-based, one decimal). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Where in a file an event was read, as a reader writes it: `line 12`, `record 7 chunk 0`, `@0x1f00`. */
export function locatorText(loc: Locator): string {
  const parts: string[] = [];
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.record !== undefined) parts.push(`record ${loc.record}`);
  if (loc.chunk !== undefined) parts.push(`chunk ${loc.chunk}`);
  if (loc.offset !== undefined) parts.push(`@0x${loc.offset.toString(16)}`);
  return parts.join(' ');
}

/** A field value as flat text (lists joined with `, `, null as ''). */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}
