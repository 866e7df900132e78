import type { IssueSink } from '../../src/core/index.js';
import type { EvidenceFormat, KahuEvent } from '../../src/model/index.js';
import type { Intake } from '../../src/case/index.js';

/** A fake evidence file for pipeline tests: content bytes and the events a fake parser yields for it. */
export interface FakeFile {
  path: string;
  content: Buffer | string;
  format?: EvidenceFormat;
  /** One event per line, `source` webserver.iis, time from `times` (or null). */
  parse?: boolean;
  /** Make open() throw (a read that fails during the scan). */
  unreadable?: boolean;
  /** Intake already knows it cannot be read (`readable: false`, open() yields nothing). */
  refused?: boolean;
  /** Parser reads only the first chunk and stops. */
  stopEarly?: boolean;
  times?: (number | null)[];
  reason?: string;
  chunk?: number;
}

type Entry = ReturnType<typeof makeEntry>;

function makeEntry(f: FakeFile, i: number) {
  const bytes = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
  const chunk = f.chunk ?? 7;
  const open = async function* (): AsyncGenerator<Buffer> {
    if (f.unreadable) throw Object.assign(new Error(`EACCES: permission denied, open '${f.path}'`), { code: 'EACCES' });
    for (let o = 0; o < bytes.length; o += chunk) {
      await Promise.resolve();
      yield bytes.subarray(o, o + chunk);
    }
  };
  const entry = {
    id: `e${i}`,
    path: f.path,
    size: bytes.length,
    mtime: '2021-03-04T05:06:07.000Z' as string | null,
    format: f.format ?? (f.parse ? 'iis-w3c' : 'unrecognised'),
    readable: !f.refused,
    magic: 'text',
    atime: null,
    ctime: null,
    birthtime: null,
    reason: f.reason,
    open,
    parser: null as null | {
      format: EvidenceFormat;
      detect(): number;
      parse(src: { open(): AsyncIterable<Buffer>; path: string; id: string }, issues: IssueSink): AsyncIterable<KahuEvent[]>;
    },
  };
  if (f.parse) {
    entry.parser = {
      format: entry.format,
      detect: () => 1,
      async *parse(src, issues) {
        let text = '';
        for await (const c of src.open()) {
          text += c.toString('utf8');
          if (f.stopEarly) break;
        }
        const lines = text.split('\n').filter((l) => l.length > 0);
        const events: KahuEvent[] = [];
        lines.forEach((l, n) => {
          if (l.startsWith('BAD')) {
            issues.report({ code: 'bad-record', severity: 'warning', message: `bad line: ${l}`, location: { path: src.path, line: n + 1 } });
            return;
          }
          events.push({
            time: f.times?.[n] ?? null,
            host: 'EXCH01',
            source: 'webserver.iis',
            fields: { 'c-uri': l },
            prov: { evidenceId: src.id, path: src.path, locator: { line: n + 1 } },
          });
        });
        yield events;
      },
    };
  }
  return entry;
}

/** An Intake over in-memory fake files. */
export function fakeIntake(files: FakeFile[]): Intake {
  return {
    async *collect(_paths: string[], _issues: IssueSink) {
      let i = 0;
      for (const f of files) {
        await Promise.resolve();
        yield makeEntry(f, i++) as unknown as Parameters<Intake['inventory']>[0];
      }
    },
    inventory(entry, sha256): KahuEvent {
      return {
        time: entry.mtime === null ? null : Date.parse(entry.mtime),
        host: null,
        source: 'file',
        fields: { path: entry.path, size: entry.size, sha256, Readable: entry.readable },
        prov: { evidenceId: entry.id, path: entry.path, locator: { offset: 0 } },
      };
    },
  };
}

export type { Entry };
