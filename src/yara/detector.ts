import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IssueSink } from '../core/index.js';
import type { Detector, FileContent, FileFacts, Finding } from '../model/index.js';
import { compileYaraFiles, findYaraFiles, type YaraRuleSet } from './rules.js';
import { DEFAULT_MAX_SCAN_BYTES, scanBuffer } from './scan.js';

/** Kahu's own YARA folder (`content/yara`), found by walking up from this module; `$KAHU_CONTENT` overrides. */
export function builtinYaraDir(): string {
  if (process.env.KAHU_CONTENT) return join(process.env.KAHU_CONTENT, 'yara');
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    const c = join(dir, 'content', 'yara');
    if (existsSync(c)) return c;
    dir = dirname(dir);
  }
  return join(import.meta.dirname, '..', '..', 'content', 'yara');
}

/** Options of the YARA detector. */
export interface YaraDetectorOptions {
  /** Per-file size cap in bytes (uncompressed, for archive entries); the content is held in memory while scanned. */
  maxBytes?: number;
  /**
   * Scan only files whose inventory `format` is one of these (logs are parsed, not YARA-scanned: a 1 GB log
   * would cost a second full read for rules written for web shells and dumps). Empty = scan every file.
   */
  formats?: readonly string[];
}

/** File formats YARA scans by default: everything that is not a recognised log. */
export const DEFAULT_YARA_FORMATS: readonly string[] = ['unrecognised'];

/**
 * A Detector that YARA-scans the content of evidence files: plain files, zip entries (`archive.zip!/inner/path`)
 * and gzip content alike. It opens nothing itself: it asks the scan for each file's bytes (`wantsFile`), and the
 * scan hands them over after the file's inventory event, read once while hashing (zip entries are inflated
 * from the archive in place, behind intake's zip-bomb guards, never written to disk). Offsets in findings are
 * within the file or entry. A file over the cap is not scanned and an info issue names it.
 */
export function yaraDetector(rules: YaraRuleSet, opts: YaraDetectorOptions = {}): Detector {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_SCAN_BYTES;
  const formats = opts.formats ?? DEFAULT_YARA_FORMATS;
  return {
    name: 'yara',
    onEvents(): Finding[] {
      return [];
    },
    wantsFile(file: FileFacts): number {
      if (rules.scanners.length === 0) return 0;
      return formats.length === 0 || formats.includes(file.format) ? maxBytes : 0;
    },
    onFile(file: FileContent, issues: IssueSink): Finding[] {
      const e = file.event;
      const target = { evidenceId: e.prov.evidenceId, path: e.prov.path, time: e.time, host: e.host };
      if (file.data === null) {
        issues.report({
          code: 'io',
          severity: 'info',
          message: `not YARA-scanned: ${file.size}-byte file exceeds the ${maxBytes}-byte scan cap`,
          location: { path: e.prov.path },
        });
        return [];
      }
      return scanBuffer(file.data, target, rules);
    },
    finish(): Finding[] {
      return [];
    },
  };
}

/**
 * Detector factory for the scan pipeline (`detectorFactories` in src/case/registry.ts): compiles `content/yara`
 * (unless `builtinRules` is false) plus every `.yar`/`.yara` under `ruleDirs`. A file that fails to compile is
 * an issue (with file:line); under `strict` the scan still runs, the issue marks the case as failing.
 */
export function yaraDetectors(opts: { ruleDirs: readonly string[]; builtinRules: boolean }, issues: IssueSink): Detector[] {
  const dirs = [...(opts.builtinRules ? [builtinYaraDir()] : []), ...opts.ruleDirs];
  const files = findYaraFiles(dirs, issues);
  if (files.length === 0) return [];
  const rules = compileYaraFiles(files, issues);
  return rules.scanners.length > 0 ? [yaraDetector(rules)] : [];
}
