/**
 * W3C extended log field names → Kahu event field names, and how each value is decoded.
 *
 * Field names follow Sigma's `webserver` taxonomy (SigmaHQ tests/logsource.json): the W3C names as IIS
 * writes them (`c-ip`, `cs-method`, `cs-uri-stem`, `cs-uri-query`, `sc-status`...), with the header-style
 * names `cs(User-Agent)`, `cs(Referer)`, `cs(Cookie)` written the way Sigma spells them: `cs-user-agent`,
 * `cs-referer`, `cs-cookie` (rule: `xx(Name)` → `xx-name` lower-cased). See docs/formats/iis.md.
 */

/** How one column's text becomes a field value. */
export type FieldKind =
  /** Plain text, kept as logged. */
  | 'text'
  /** Text where IIS wrote spaces as `+` (user agent, referer, cookie and other header fields). */
  | 'plus'
  /** An unsigned decimal integer (status codes, ports, byte counts, time-taken): a number when it parses. */
  | 'int'
  | 'date'
  | 'time';

const INT_FIELDS = new Set([
  'sc-status',
  'sc-substatus',
  'sc-win32-status',
  's-port',
  'sc-bytes',
  'cs-bytes',
  'time-taken',
]);

/** Maps one `#Fields:` name to the event field name. */
export function eventFieldName(w3c: string): string {
  // `cs(User-Agent)` → `cs-user-agent`; IIS custom fields (`X-Forwarded-For`, `crypt-protocol`) stay as named.
  const m = /^(cs|sc|s|c|x)\((.+)\)$/i.exec(w3c);
  if (m) return `${m[1]!.toLowerCase()}-${m[2]!.toLowerCase()}`;
  return w3c;
}

/** How the value of a field (by its event name) is decoded. */
export function fieldKind(name: string, w3c: string): FieldKind {
  if (name === 'date') return 'date';
  if (name === 'time') return 'time';
  if (INT_FIELDS.has(name)) return 'int';
  // Header fields: IIS replaces spaces with `+` in cs(...)/sc(...) values. cs-uri-query keeps `+` (form encoding
  // and raw attack strings both use it and Sigma rules match the raw query).
  if (w3c.includes('(')) return 'plus';
  if (name === 'cs-username' || name === 's-sitename' || name === 'cs-host') return 'plus';
  return 'text';
}

/**
 * The aliases Kahu adds for Sigma's `proxy` taxonomy names, which several web rules use:
 * `c-uri` = stem + `?` + query, `c-uri-stem`, `c-uri-query`, `c-useragent`, `c-uri-extension`, plus `cs-uri`
 * (same as `c-uri`). They are the same string values, so they cost one property each.
 */
export const ALIASES = ['c-uri', 'cs-uri', 'c-uri-stem', 'c-uri-query', 'c-useragent', 'c-uri-extension'] as const;
