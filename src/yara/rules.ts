import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { compile, validate, type YaraX } from '@litko/yara-x';
import type { IssueSink } from '../core/index.js';

/** Where a YARA rule is defined: file and 1-based line of its `rule` keyword. */
export interface YaraRuleSite {
  file: string;
  line: number;
}

/** A compiled YARA rule set with where each rule came from. */
export interface YaraRuleSet {
  scanners: YaraX[];
  /** Rule identifier → definition site. */
  sites: Map<string, YaraRuleSite>;
  files: string[];
}

/** YARA-X compile. The package's typings name its return type `YaraXImpl` without declaring it, so say what it is. */
const compileSource = compile as unknown as (source: string) => YaraX;

const RULE_RE = /^\s*(?:(?:private|global)\s+)*rule\s+([A-Za-z_][A-Za-z0-9_]*)/gm;

/** Lists `.yar` / `.yara` files under the given files or folders (recursive, sorted for stable output). */
export function findYaraFiles(paths: readonly string[], issues: IssueSink): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      issues.report({ code: 'io', severity: 'error', message: `cannot read rule path: ${(err as Error).message}`, location: { path: p } });
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(join(p, name));
    } else if (['.yar', '.yara'].includes(extname(p).toLowerCase())) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p);
  return out;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Compiles YARA rule files with YARA-X. Each file is validated alone first, so a file that does not compile
 * becomes one located `rule-invalid` issue and the others still load. Valid files are compiled together; if
 * that fails (e.g. the same rule name in two files) each file gets its own scanner instead.
 */
export function compileYaraFiles(files: readonly string[], issues: IssueSink): YaraRuleSet {
  const sites = new Map<string, YaraRuleSite>();
  const good: { file: string; text: string }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.report({ code: 'io', severity: 'error', message: `cannot read YARA file: ${(err as Error).message}`, location: { path: file } });
      continue;
    }
    const v = validate(text);
    if (v.errors.length > 0) {
      for (const e of v.errors) {
        // YARA-X puts the position in the message ("--> line:4:14") rather than in line/column.
        const pos = /-->\s*line:(\d+):(\d+)/.exec(e.message);
        if (e.line === undefined && pos) {
          e.line = Number(pos[1]);
          e.column = Number(pos[2]);
        }
        issues.report({
          code: 'rule-invalid',
          severity: 'error',
          message: `YARA rule does not compile: ${(e.message.split('\n')[0] ?? e.code).replace(/^Compilation error \(\w+\): /, '')}`,
          location: { path: file, ...(e.line !== undefined ? { line: e.line } : {}), ...(e.column !== undefined ? { col: e.column } : {}) },
        });
      }
      continue;
    }
    for (const w of v.warnings) {
      issues.report({
        code: 'rule-invalid',
        severity: 'warning',
        message: `YARA warning: ${w.message.split('\n')[0] ?? w.code}`,
        location: { path: file, ...(w.line !== undefined ? { line: w.line } : {}) },
      });
    }
    for (const m of text.matchAll(RULE_RE)) sites.set(m[1] ?? '', { file, line: lineOf(text, m.index) });
    good.push({ file, text });
  }
  const scanners: YaraX[] = [];
  if (good.length > 0) {
    try {
      scanners.push(compileSource(good.map((g) => g.text).join('\n')));
    } catch {
      for (const g of good) {
        try {
          scanners.push(compileSource(g.text));
        } catch (err) {
          issues.report({
            code: 'rule-invalid',
            severity: 'error',
            message: `YARA rules do not compile together with the others: ${((err as Error).message.split('\n')[0] ?? '').slice(0, 300)}`,
            location: { path: g.file },
          });
        }
      }
    }
  }
  return { scanners, sites, files: good.map((g) => g.file) };
}
