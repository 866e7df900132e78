/** Where in a piece of evidence or a rule file something happened. All fields optional; fill what is known. */
export interface Location {
  /** File path as shown to the user (inside a zip: `archive.zip!/inner/path`). */
  path?: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column. */
  col?: number;
  /** Byte offset from the start of the file (or zip entry). */
  offset?: number;
  /** Record number (EVTX record id, JSON line number...). */
  record?: number;
  /** EVTX chunk index. */
  chunk?: number;
}

/** Stable machine-readable error codes. Extend as modules need; never rename one. */
export type ErrorCode =
  | 'usage'
  | 'io'
  | 'unrecognised-format'
  | 'bad-record'
  | 'truncated'
  | 'zip-refused'
  | 'rule-invalid'
  | 'rule-unsupported'
  | 'regex-unsafe'
  | 'evtx-corrupt'
  | 'internal';

/** The root error of Kahu: a stable code, an optional location and cause. */
export class KahuError extends Error {
  readonly code: ErrorCode;
  readonly location: Location | undefined;

  constructor(code: ErrorCode, message: string, options: { location?: Location; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KahuError';
    this.code = code;
    this.location = options.location;
  }
}

/** Renders a location as `path:line:col` / `path@offset` for messages. */
export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  let s = loc.path ?? '';
  if (loc.line !== undefined) s += `:${loc.line}${loc.col !== undefined ? `:${loc.col}` : ''}`;
  if (loc.offset !== undefined) s += `@0x${loc.offset.toString(16)}`;
  if (loc.chunk !== undefined) s += ` chunk ${loc.chunk}`;
  if (loc.record !== undefined) s += ` record ${loc.record}`;
  return s;
}
