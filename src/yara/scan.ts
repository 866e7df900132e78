import { createHash } from 'node:crypto';
import type { RuleMatch } from '@litko/yara-x';
import { LEVELS, type Finding, type Level } from '../model/index.js';
import type { YaraRuleSet } from './rules.js';

/** Files larger than this are not scanned (web shells and dumps of interest are far smaller); an info issue says so. */
export const DEFAULT_MAX_SCAN_BYTES = 64 * 1024 * 1024;

/** What a YARA scan needs to know about the file, for provenance. */
export interface YaraTarget {
  evidenceId: string;
  /** Path as shown to the user. */
  path: string;
  /** File time (epoch ms) to place the finding on the timeline, null if unknown. */
  time: number | null;
  host: string | null;
}

function metaString(meta: object, key: string): string {
  const v = (meta as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : '';
}

function toLevel(s: string): Level {
  return (LEVELS as readonly string[]).includes(s) ? (s as Level) : 'high';
}

/** Turns YARA-X rule matches on one file into Kahu findings: one finding per rule, located at its first match. */
export function matchesToFindings(matches: readonly RuleMatch[], target: YaraTarget, rules: YaraRuleSet): Finding[] {
  const out: Finding[] = [];
  for (const m of matches) {
    const site = rules.sites.get(m.ruleIdentifier) ?? { file: '(yara)', line: 1 };
    const ids = metaString(m.meta, 'attack')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '');
    const attack = ids.filter((s) => /^T\d{4}(\.\d{3})?$/.test(s));
    const software = ids.filter((s) => /^S\d{4}$/.test(s));
    const cves = metaString(m.meta, 'cve')
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => /^CVE-\d{4}-\d+$/.test(s));
    const first = [...m.matches].sort((a, b) => a.offset - b.offset)[0];
    const offset = first?.offset ?? 0;
    const idHash = createHash('sha256').update(`yara\0${m.ruleIdentifier}\0${target.evidenceId}\0${target.path}`).digest('hex').slice(0, 16);
    out.push({
      id: `yara-${idHash}`,
      engine: 'yara',
      rule: { id: `yara:${m.ruleIdentifier}`, title: metaString(m.meta, 'title') || m.ruleIdentifier, file: site.file, line: site.line },
      level: toLevel(metaString(m.meta, 'level')),
      attack,
      cves,
      tags: [...m.tags, ...software.map((s) => `attack.${s.toLowerCase()}`), ...attack.map((t) => `attack.${t.toLowerCase()}`)],
      first: target.time,
      last: target.time,
      events: [
        {
          time: target.time,
          host: target.host,
          prov: { evidenceId: target.evidenceId, path: target.path, locator: { offset } },
          values: {
            rule: m.ruleIdentifier,
            // Matched bytes are attacker-controlled: kept short here; renderers escape them.
            matches: m.matches.slice(0, 8).map((x) => `${x.identifier}@${x.offset}: ${x.data.slice(0, 80)}`),
          },
        },
      ],
      eventCount: 1,
      detail: { file: target.path, offset, rule: m.ruleIdentifier, identifier: first?.identifier ?? null, length: first?.length ?? 0 },
    });
  }
  return out;
}

/** Scans a buffer with every scanner of the rule set. */
export function scanBuffer(data: Buffer, target: YaraTarget, rules: YaraRuleSet): Finding[] {
  const matches: RuleMatch[] = [];
  for (const s of rules.scanners) matches.push(...s.scan(data));
  return matchesToFindings(matches, target, rules);
}
