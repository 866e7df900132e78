import type { ErrorCode, Location } from './errors.js';

/** How bad a problem is: errors lost data, warnings may have, info is a note. */
export type IssueSeverity = 'error' | 'warning' | 'info';

/** A problem met while reading evidence or rules. Issues are kept in the case; nothing is dropped silently. */
export interface Issue {
  code: ErrorCode;
  severity: IssueSeverity;
  message: string;
  location?: Location;
}

/** Where parsers and loaders report problems. */
export interface IssueSink {
  report(issue: Issue): void;
}

/** An IssueSink that keeps every issue in memory, with a cap per code+path so a garbage file cannot flood the case. */
export class IssueCollector implements IssueSink {
  readonly issues: Issue[] = [];
  private readonly perKey = new Map<string, number>();
  private readonly suppressed = new Map<string, { issue: Issue; count: number }>();

  constructor(private readonly capPerKey = 1000) {}

  report(issue: Issue): void {
    const key = `${issue.code}\u0000${issue.location?.path ?? ''}`;
    const n = (this.perKey.get(key) ?? 0) + 1;
    this.perKey.set(key, n);
    if (n <= this.capPerKey) {
      this.issues.push(issue);
      return;
    }
    const s = this.suppressed.get(key);
    if (s) s.count++;
    else this.suppressed.set(key, { issue, count: 1 });
  }

  /** All issues, plus one summary issue per key whose cap was reached. */
  all(): Issue[] {
    const out = [...this.issues];
    for (const { issue, count } of this.suppressed.values()) {
      out.push({
        code: issue.code,
        severity: issue.severity,
        message: `${count} more issue(s) like "${issue.message}" were not listed one by one`,
        ...(issue.location?.path !== undefined ? { location: { path: issue.location.path } } : {}),
      });
    }
    return out;
  }
}
