import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { IssueSink } from '../core/index.js';
import type { Detector, Finding, KahuEvent } from '../model/index.js';
import { compileYaraFiles, findYaraFiles, type YaraRuleSet } from './rules.js';
import { DEFAULT_MAX_SCAN_BYTES, scanFileAt } from './scan.js';

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
  /** Per-file size cap in bytes. */
  maxBytes?: number;
  /**
   * Scan only files whose inventory `format` is one of these (logs are parsed, not YARA-scanned: a 1 GB log
   * would cost a second full read for rules written for web shells and dumps). Empty = scan every file.
   */
  formats?: readonly string[];
}

/** File formats YARA scans by default: everything that is not a recognised log. */
export const DEFAULT_YARA_FORMATS: readonly string[] = ['unrecognised'];

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The local path of a file-inventory event (source `file`), or null when the bytes are not a plain file
 * (a zip entry, `archive.zip!/inner`). Reads the inventory's path fields, falling back to the provenance path.
 */
export function localPathOf(e: KahuEvent): string | null {
  const f = e.fields;
  const p = str(f.LocalPath) ?? str(f.FullPath) ?? str(f.path) ?? str(f.Path) ?? e.prov.path;
  return p.includes('!/') ? null : p;
}

/** A Detector that YARA-scans each file announced by a file-inventory event. */
export function yaraDetector(rules: YaraRuleSet, opts: YaraDetectorOptions = {}): Detector {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_SCAN_BYTES;
  const formats = opts.formats ?? DEFAULT_YARA_FORMATS;
  return {
    name: 'yara',
    onEvents(events: readonly KahuEvent[], issues: IssueSink): Finding[] {
      const out: Finding[] = [];
      for (const e of events) {
        if (e.source !== 'file') continue;
        const fmt = str(e.fields.format) ?? str(e.fields.Format);
        if (formats.length > 0 && fmt !== null && !formats.includes(fmt)) continue;
        const local = localPathOf(e);
        if (local === null) continue;
        out.push(...scanFileAt(local, { evidenceId: e.prov.evidenceId, path: e.prov.path, time: e.time, host: e.host }, rules, issues, maxBytes));
      }
      return out;
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
