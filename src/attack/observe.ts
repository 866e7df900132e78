import type { Finding, ObservedAttack } from '../model/index.js';
import { resolveId, type AttackKb } from './kb.js';

/**
 * Tactics whose actions are typically typed by an operator rather than run by an exploit or a scanner;
 * their event times feed the working-hours analysis. Initial access and reconnaissance are left out:
 * mass exploitation and scanning run around the clock.
 */
const HANDS_ON_TACTICS = new Set([
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'exfiltration',
]);

/** Most activity times kept (the working-hours analysis counts distinct hours; more adds nothing). */
const MAX_TIMES = 10_000;

const SOFTWARE_TAG = /^attack\.(s\d{4})$/i;
const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
// Sigma writes `cve.2021-27065`; some rules write the id itself.
const CVE_TAG = /^cve[.-](\d{4}-\d{4,})$/i;

function push(map: Map<string, Set<string>>, key: string, finding: string): void {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  s.add(finding);
}

/**
 * The case's "observed ATT&CK" section from its findings: techniques (resolved to current ids, names and
 * tactics; a sub-technique implies its parent), software from `attack.sNNNN` tags, CVEs, each with the ids
 * of the findings behind it, plus the event times of hands-on-keyboard findings. Pure: no I/O.
 */
export function observeAttack(findings: readonly Finding[], kb: AttackKb): ObservedAttack {
  const techs = new Map<string, Set<string>>();
  const implied = new Map<string, Set<string>>();
  const soft = new Map<string, Set<string>>();
  const cves = new Map<string, Set<string>>();
  const unknown = new Map<string, Set<string>>();
  const times = new Set<number>();

  for (const f of findings) {
    const ids = new Set<string>(f.attack.map((a) => a.trim().toUpperCase()));
    for (const tag of f.tags) {
      const t = TECHNIQUE_TAG.exec(tag.trim());
      if (t) ids.add(t[1]!.toUpperCase());
      const s = SOFTWARE_TAG.exec(tag.trim());
      if (s) ids.add(s[1]!.toUpperCase());
      const c = CVE_TAG.exec(tag.trim());
      if (c) push(cves, `CVE-${c[1]!}`, f.id);
    }
    for (const c of f.cves) push(cves, c.trim().toUpperCase(), f.id);
    let handsOn = false;
    for (const raw of ids) {
      const id = resolveId(kb, raw);
      if (!id) {
        push(unknown, raw, f.id);
        continue;
      }
      if (kb.software.has(id)) {
        push(soft, id, f.id);
        continue;
      }
      const tech = kb.techniques.get(id);
      if (!tech) {
        push(unknown, raw, f.id);
        continue;
      }
      push(techs, id, f.id);
      if (tech.parent) push(implied, tech.parent, f.id);
      if (tech.tactics.some((t) => HANDS_ON_TACTICS.has(t))) handsOn = true;
    }
    if (handsOn) {
      for (const e of f.events) if (e.time !== null && times.size < MAX_TIMES) times.add(e.time);
      if (f.events.length === 0 && f.first !== null && times.size < MAX_TIMES) times.add(f.first);
    }
  }

  const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const techniques: ObservedAttack['techniques'] = [];
  for (const id of [...new Set([...techs.keys(), ...implied.keys()])].sort(byId)) {
    const t = kb.techniques.get(id);
    if (!t) continue;
    const direct = techs.get(id);
    const via = implied.get(id);
    techniques.push({
      id,
      name: t.name,
      tactics: t.tactics,
      implied: !direct,
      findings: [...new Set([...(direct ?? []), ...(via ?? [])])].sort(byId),
    });
  }
  return {
    techniques,
    software: [...soft].sort((a, b) => byId(a[0], b[0])).map(([id, fs]) => ({ id, name: kb.software.get(id)?.name ?? id, findings: [...fs].sort(byId) })),
    cves: [...cves].sort((a, b) => byId(a[0], b[0])).map(([id, fs]) => ({ id, findings: [...fs].sort(byId) })),
    unknown: [...unknown].sort((a, b) => byId(a[0], b[0])).map(([id, fs]) => ({ id, findings: [...fs].sort(byId) })),
    activityTimes: [...times].sort((a, b) => a - b),
  };
}
