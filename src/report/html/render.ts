import { createHash } from 'node:crypto';
import { LEVELS } from '../../model/index.js';
import type { Case, CountStats, Finding, Hypothesis, Level, ManifestEntry, MatchedEvent } from '../../model/index.js';
import { formatBytes, isoTime, locatorText, valueText } from '../format.js';
import { REPORT_CSS, REPORT_JS } from './assets.js';
import { html, trusted } from './html.js';
import type { SafeHtml } from './html.js';

/** Bounds on what report.html lists row by row (the full data is in case.json / findings.jsonl). */
export interface HtmlOptions {
  /** Rule rows in the findings table. */
  maxFindings?: number;
  /** Events listed under one rule row. */
  maxEventsPerFinding?: number;
  maxTimelineRows?: number;
  maxEvidenceRows?: number;
  maxIssues?: number;
}

const DEFAULTS: Required<HtmlOptions> = {
  maxFindings: 2000,
  maxEventsPerFinding: 50,
  maxTimelineRows: 500,
  maxEvidenceRows: 5000,
  maxIssues: 2000,
};

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function rank(l: Level): number {
  return LEVELS.indexOf(l);
}

function time(ms: number | null | undefined): SafeHtml {
  const t = isoTime(ms);
  return t ? html`<td class="t" data-v="${t}">${t.replace('T', ' ').replace('.000Z', 'Z')}</td>` : html`<td class="t mute" data-v="">—</td>`;
}

function levelBadge(l: Level): SafeHtml {
  return html`<span class="lvl lvl-${l}">${l}</span>`;
}

function tags(ids: readonly string[]): SafeHtml {
  return html`${ids.map((t) => html`<span class="tag">${t}</span>`)}`;
}

function more(shown: number, total: number, where: string): SafeHtml {
  return shown < total ? html`<p class="warn">Showing ${shown} of ${total}; the full list is in ${where}.</p>` : html``;
}

function tools(tableId: string, placeholder: string, withLevel: boolean): SafeHtml {
  return html`<div class="tools" data-for="${tableId}"><input type="search" placeholder="${placeholder}" aria-label="${placeholder}">${
    withLevel
      ? html`<label>level ≥ <select aria-label="minimum level">${LEVELS.map((l) => html`<option value="${l}">${l}</option>`)}</select></label>`
      : ''
  }<span class="count mute"></span></div>`;
}

function countTable(title: string, map: Partial<Record<string, CountStats>>): SafeHtml {
  const rows = Object.entries(map)
    .filter((e): e is [string, CountStats] => e[1] !== undefined)
    .sort((a, b) => b[1].events - a[1].events || a[0].localeCompare(b[0]));
  if (rows.length === 0) return html``;
  return html`<table class="sortable"><thead><tr><th data-sort="txt">${title}</th><th class="num" data-sort="num">files</th><th class="num" data-sort="num">events</th><th class="num" data-sort="num">size</th><th data-sort="txt">first event</th><th data-sort="txt">last event</th></tr></thead><tbody>${rows.map(
    ([k, s]) =>
      html`<tr><td class="mono">${k}${k === 'file' ? html` <span class="mute">(file inventory; times are modification times)</span>` : ''}</td><td class="num">${s.files}</td><td class="num">${s.events.toLocaleString('en-US')}</td><td class="num" data-v="${s.bytes}">${formatBytes(s.bytes)}</td>${time(s.first)}${time(s.last)}</tr>`,
  )}</tbody></table>`;
}

/** The few sentences a responder reads first: how bad, since when, where, what was exploited, by whom (maybe). */
function keyPoints(c: Case, anchors: Map<string, string>, worst: Level | undefined): SafeHtml {
  const points: SafeHtml[] = [];
  if (worst) {
    const serious = c.findings.filter((f) => rank(f.level) >= rank('high'));
    const firstSerious = serious.reduce<Finding | null>((a, f) => (f.first !== null && (a === null || a.first === null || f.first < a.first) ? f : a), null);
    const hosts = [...new Set(serious.flatMap((f) => f.events.map((e) => e.host)).filter((h): h is string => h !== null))];
    points.push(
      html`<li>Highest level ${levelBadge(worst)}; ${serious.length} finding(s) at high or critical${hosts.length ? html` on ${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? ` and ${hosts.length - 5} more host(s)` : ''}` : ''}.</li>`,
    );
    if (firstSerious?.first != null) {
      points.push(html`<li>Earliest high/critical activity: <b>${isoTime(firstSerious.first)}</b> (<a href="#${anchors.get(firstSerious.id) ?? ''}">${firstSerious.rule.title}</a>).</li>`);
    }
  } else if (c.detectors.length > 0) {
    points.push(html`<li>No detector found anything in this evidence.</li>`);
  }
  const exploited = c.verdicts?.filter((v) => v.status === 'exploited') ?? [];
  const attempted = c.verdicts?.filter((v) => v.status === 'attempted') ?? [];
  if (exploited.length) points.push(html`<li>Judged <b>exploited</b>: ${exploited.map((v) => `${v.cve} (${v.chain})`).join(', ')}.</li>`);
  if (attempted.length) points.push(html`<li>Attempted without sign of success: ${attempted.map((v) => v.cve).join(', ')}.</li>`);
  const lead = c.attribution?.hypotheses[0];
  if (lead) points.push(html`<li>Leading attribution hypothesis: ${lead.actor.name}, ${lead.words} (${(lead.probability * 100).toFixed(0)}%); see <a href="#attribution">Attribution</a>.</li>`);
  const errors = c.issues.filter((i) => i.severity === 'error').length;
  if (c.stats.unreadable || errors) {
    points.push(html`<li class="sev-error">${c.stats.unreadable} file(s) could not be read and ${errors} error(s) were met: the picture may be incomplete (see <a href="#issues">Issues</a>).</li>`);
  }
  return points.length ? html`<ul>${points}</ul>` : html``;
}

function summary(c: Case, anchors: Map<string, string>): SafeHtml {
  const s = c.stats;
  const errors = c.issues.filter((i) => i.severity === 'error').length;
  const top = [...LEVELS].reverse();
  const worst = top.find((l) => (s.byLevel[l] ?? 0) > 0);
  return html`<section id="summary"><h2>Summary</h2>
<div class="cards">
<div class="card"><div class="l">Findings</div><div class="n">${c.findings.length}</div><div>${top
    .filter((l) => (s.byLevel[l] ?? 0) > 0)
    .map((l) => html`${levelBadge(l)} ${s.byLevel[l]} `)}</div></div>
${c.verdicts?.length ? html`<div class="card"><div class="l">CVE verdicts</div><div class="n">${c.verdicts.filter((v) => v.status === 'exploited').length} exploited</div><div class="mute">${c.verdicts.length} CVE(s) judged</div></div>` : ''}
<div class="card"><div class="l">Evidence files</div><div class="n">${s.files}</div><div class="mute">${formatBytes(s.bytes)}${s.unreadable ? `, ${s.unreadable} unreadable` : ''}</div></div>
<div class="card"><div class="l">Events</div><div class="n">${s.events.toLocaleString('en-US')}</div><div class="mute">${Object.keys(s.bySource).filter((k) => k !== 'file').length} source type(s)</div></div>
<div class="card"><div class="l">Time span (UTC)</div><div>${isoTime(s.first) || '—'}</div><div>${isoTime(s.last) || ''}</div></div>
<div class="card"><div class="l">Issues</div><div class="n">${c.issues.length}</div><div class="mute">${errors} error(s)</div></div>
</div>
${c.detectors.length === 0 ? html`<p class="warn">No detectors ran (no rules were loaded), so there are no findings. The evidence was still inventoried, hashed and parsed.</p>` : ''}
${keyPoints(c, anchors, worst)}
<h3>Scan</h3>
<table class="kv"><tbody>
<tr><td>Inputs</td><td class="mono wrap">${c.command.inputs.map((p) => html`${p}<br>`)}</td></tr>
<tr><td>Started</td><td>${c.created} (took ${(s.durationMs / 1000).toFixed(1)} s)</td></tr>
<tr><td>Kahu</td><td>${c.tool.version}${c.host ? html` on ${c.host.hostname} (${c.host.platform}, Node ${c.host.node})` : ''}</td></tr>
<tr><td>Options</td><td class="mono wrap">${JSON.stringify(c.command.options)}</td></tr>
<tr><td>Detectors</td><td>${c.detectors.length ? c.detectors.map((d) => html`<span class="tag">${d.name}: ${d.findings} finding(s), ${d.ms} ms</span>`) : 'none'}</td></tr>
</tbody></table>
<h3>Files per format</h3>${countTable('format', s.byFormat)}
<h3>Events per source</h3>${countTable('source', s.bySource)}
</section>`;
}

/** Links to the rule rows behind a list of finding ids: one link per rule, with how many findings. */
function ruleLinks(ids: readonly string[], anchors: Map<string, string>, byId: Map<string, Finding>, max = 8): SafeHtml {
  const rules = new Map<string, { title: string; n: number }>();
  for (const id of ids) {
    const anchor = anchors.get(id);
    if (anchor === undefined) continue;
    const r = rules.get(anchor) ?? { title: byId.get(id)?.rule.title ?? id, n: 0 };
    r.n++;
    rules.set(anchor, r);
  }
  const list = [...rules];
  return html`${list.slice(0, max).map(([anchor, r]) => html`<div><a href="#${anchor}">${r.title}</a>${r.n > 1 ? html` <span class="mute">×${r.n}</span>` : ''}</div>`)}${
    list.length > max ? html`<div class="mute">+${list.length - max} more rule(s)</div>` : ''
  }${ids.length > 0 && list.length === 0 ? html`<span class="mute">${ids.length} finding(s)</span>` : ''}`;
}

function verdicts(c: Case, anchors: Map<string, string>): SafeHtml {
  const byId = new Map(c.findings.map((f) => [f.id, f]));
  if (!c.verdicts?.length) return html``;
  return html`<section id="verdicts"><h2>CVE verdicts</h2>
<table class="sortable"><thead><tr><th data-sort="txt">CVE</th><th data-sort="txt">chain</th><th data-sort="txt">verdict</th><th>why</th><th>rules behind it</th><th>log coverage</th></tr></thead><tbody>
${c.verdicts.map(
  (v) => html`<tr><td class="mono">${v.cve}</td><td>${v.chain}</td><td><span class="st st-${v.status}">${v.status}</span></td><td>${v.reason}</td><td>${ruleLinks(v.findingIds, anchors, byId)}</td><td>${v.coverage.map((cv) => html`<div>${cv.family}: ${cv.events} event(s), ${isoTime(cv.first).slice(0, 10) || '—'} → ${isoTime(cv.last).slice(0, 10) || '—'}</div>`)}${
    v.disclosed !== null ? html`<div class="mute">disclosed ${isoTime(v.disclosed).slice(0, 10)}</div>` : ''
  }</td></tr>`,
)}
</tbody></table></section>`;
}

function eventRows(rows: readonly { e: MatchedEvent; f: Finding }[], withFinding: boolean): SafeHtml {
  return html`<table><thead><tr><th>time</th><th>host</th><th>evidence</th><th>matched values</th>${withFinding ? html`<th>finding</th>` : ''}</tr></thead><tbody>${rows.map(
    ({ e, f }) =>
      html`<tr>${time(e.time)}<td>${e.host ?? ''}</td><td class="mono wrap">${e.prov.path} <span class="mute">${locatorText(e.prov.locator)}</span></td><td class="mono wrap">${Object.entries(
        e.values,
      ).map(([k, v]) => html`<div><b>${k}</b>: ${valueText(v)}</div>`)}</td>${withFinding ? html`<td class="mono">${f.id}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

/** All findings of one rule: a responder reads "this rule fired 240 times on 3 hosts", then drills down. */
interface RuleGroup {
  anchor: string;
  findings: Finding[];
  level: Level;
  first: number | null;
  last: number | null;
  events: number;
}

function groupByRule(findings: readonly Finding[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const f of findings) {
    const key = `${f.engine}\u0000${f.rule.id}\u0000${f.rule.file}:${f.rule.line}`;
    let g = groups.get(key);
    if (!g) {
      g = { anchor: `rule-${groups.size + 1}`, findings: [], level: f.level, first: null, last: null, events: 0 };
      groups.set(key, g);
    }
    g.findings.push(f);
    if (rank(f.level) > rank(g.level)) g.level = f.level;
    if (f.first !== null && (g.first === null || f.first < g.first)) g.first = f.first;
    if (f.last !== null && (g.last === null || f.last > g.last)) g.last = f.last;
    g.events += f.eventCount;
  }
  return [...groups.values()].sort((a, b) => rank(b.level) - rank(a.level) || (a.first ?? Infinity) - (b.first ?? Infinity));
}

function groupRow(g: RuleGroup, o: Required<HtmlOptions>): SafeHtml {
  const f0 = g.findings[0] as Finding;
  const all = g.findings.flatMap((f) => f.events.map((e) => ({ e, f })));
  all.sort((a, b) => (a.e.time ?? Infinity) - (b.e.time ?? Infinity));
  const hosts = [...new Set(all.map((r) => r.e.host).filter((h): h is string => h !== null))];
  const files = [...new Set(all.map((r) => r.e.prov.path))];
  const attackIds = [...new Set(g.findings.flatMap((f) => f.attack))];
  const cves = [...new Set(g.findings.flatMap((f) => f.cves))];
  const tagList = [...new Set(g.findings.flatMap((f) => f.tags))];
  const shown = all.slice(0, o.maxEventsPerFinding);
  const kept = all.length;
  const details = g.findings.filter((f) => f.detail);
  return html`<tr id="${g.anchor}" data-level="${g.level}"><td data-v="${rank(g.level)}">${levelBadge(g.level)}</td>${time(g.first)}${time(g.last)}<td><details><summary>${f0.rule.title}</summary>
<div class="mute mono wrap">rule ${f0.rule.id} · ${f0.rule.file}:${f0.rule.line} · ${f0.engine}</div>
${tagList.length ? html`<div>${tags(tagList)}</div>` : ''}
${details.slice(0, o.maxEventsPerFinding).map((f) => html`<div class="mono wrap">${Object.entries(f.detail ?? {}).map(([k, v]) => html`<div><b>${k}</b>: ${valueText(v)}</div>`)}</div>`)}
${shown.length ? eventRows(shown, g.findings.length > 1) : ''}${shown.length < g.events ? html`<div class="mute">${g.events - shown.length} more event(s) in findings.jsonl / timeline.csv${kept < g.events ? ` (the case keeps ${kept} of ${g.events})` : ''}</div>` : ''}
</details></td><td class="num">${g.findings.length}</td><td class="num">${g.events}</td><td>${tags(attackIds)}${tags(cves)}</td><td>${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? html` <span class="mute">+${hosts.length - 5}</span>` : ''}</td><td class="mono wrap">${files
    .slice(0, 3)
    .map((p) => html`<div>${p}</div>`)}${files.length > 3 ? html`<div class="mute">+${files.length - 3} more</div>` : ''}</td></tr>`;
}

function findings(c: Case, groups: readonly RuleGroup[], o: Required<HtmlOptions>): SafeHtml {
  const shown = groups.slice(0, o.maxFindings);
  return html`<section id="findings"><h2>Findings (${c.findings.length} from ${groups.length} rule(s))</h2>
${c.findings.length === 0 ? html`<p class="mute">No findings.</p>` : html`${tools('findings-table', 'filter findings (rule, host, file, value…)', true)}
<table id="findings-table" class="sortable"><thead><tr><th data-sort="num">level</th><th data-sort="txt">first</th><th data-sort="txt">last</th><th data-sort="txt">rule (click for events and provenance)</th><th class="num" data-sort="num">findings</th><th class="num" data-sort="num">events</th><th>ATT&amp;CK / CVE</th><th data-sort="txt">hosts</th><th data-sort="txt">evidence</th></tr></thead><tbody>
${shown.map((g) => groupRow(g, o))}
</tbody></table>${more(shown.length, groups.length, 'findings.jsonl')}`}
</section>`;
}

interface AttackRow {
  id: string;
  name: string;
  tactics: readonly string[];
  note: string;
  findingIds: readonly string[];
}

function observedTable(kind: string, rows: readonly AttackRow[], anchors: Map<string, string>, byId: Map<string, Finding>): SafeHtml {
  if (rows.length === 0) return html``;
  const level = (r: AttackRow): Level =>
    r.findingIds.reduce<Level>((best, id) => {
      const l = byId.get(id)?.level;
      return l !== undefined && rank(l) > rank(best) ? l : best;
    }, 'informational');
  const sorted = [...rows].sort((a, b) => rank(level(b)) - rank(level(a)) || a.id.localeCompare(b.id));
  return html`<h3>${kind}</h3><table class="sortable"><thead><tr><th data-sort="txt">id</th><th data-sort="txt">name</th><th data-sort="txt">tactics</th><th data-sort="num">highest level</th><th class="num" data-sort="num">findings</th><th>rules</th></tr></thead><tbody>${sorted.map(
    (r) =>
      html`<tr data-level="${level(r)}"><td class="mono">${r.id}</td><td>${r.name}${r.note ? html` <span class="mute">${r.note}</span>` : ''}</td><td>${r.tactics.join(', ')}</td><td data-v="${rank(level(r))}">${levelBadge(level(r))}</td><td class="num">${r.findingIds.length}</td><td>${ruleLinks(r.findingIds, anchors, byId)}</td></tr>`,
  )}</tbody></table>`;
}

/** Technique and CVE ids straight from the findings, for cases where the ATT&CK enrich step did not run. */
function fromFindings(c: Case): { techniques: AttackRow[]; cves: AttackRow[] } {
  const t = new Map<string, string[]>();
  const v = new Map<string, string[]>();
  for (const f of c.findings) {
    for (const id of f.attack) t.set(id, [...(t.get(id) ?? []), f.id]);
    for (const id of f.cves) v.set(id, [...(v.get(id) ?? []), f.id]);
  }
  const rows = (m: Map<string, string[]>): AttackRow[] => [...m].map(([id, findingIds]) => ({ id, name: '', tactics: [], note: '', findingIds }));
  return { techniques: rows(t), cves: rows(v) };
}

function attack(c: Case, anchors: Map<string, string>): SafeHtml {
  const byId = new Map(c.findings.map((f) => [f.id, f]));
  const a = c.attack;
  const rows = a
    ? {
        techniques: a.techniques.map((t) => ({ id: t.id, name: t.name, tactics: t.tactics, note: t.implied ? '(implied by a sub-technique)' : '', findingIds: t.findings })),
        software: a.software.map((s) => ({ id: s.id, name: s.name, tactics: [], note: '', findingIds: s.findings })),
        cves: a.cves.map((v) => ({ id: v.id, name: '', tactics: [], note: '', findingIds: v.findings })),
      }
    : { ...fromFindings(c), software: [] };
  if (rows.techniques.length + rows.software.length + rows.cves.length === 0) {
    return html`<section id="attack"><h2>ATT&amp;CK techniques</h2><p class="mute">No finding carries an ATT&amp;CK technique, software or CVE tag.</p></section>`;
  }
  return html`<section id="attack"><h2>ATT&amp;CK techniques, software and CVEs</h2>
${a ? '' : html`<p class="mute">Ids as the rules tag them; ATT&amp;CK names and tactics were not resolved in this scan.</p>`}
${observedTable('Techniques', rows.techniques, anchors, byId)}${observedTable('Software', rows.software, anchors, byId)}${observedTable('CVEs', rows.cves, anchors, byId)}
${a?.unknown.length ? html`<p class="warn">Ids ATT&amp;CK does not know (typos or retired ids): ${a.unknown.map((u) => html`<span class="tag">${u.id}</span>`)}</p>` : ''}
</section>`;
}

function hypothesis(h: Hypothesis): SafeHtml {
  const items = (list: Hypothesis['evidence']['for']) =>
    list.length
      ? html`<ul>${list.map(
          (e) =>
            html`<li><span class="mono">${e.id}</span>${e.name ? html` ${e.name}` : ''} <span class="mute">(${e.kind}, ${e.weight >= 0 ? '+' : ''}${e.weight.toFixed(2)})</span>: ${e.note}${
              e.sources.length ? html` <span class="mute">[${e.sources.join(', ')}]</span>` : ''
            }</li>`,
        )}</ul>`
      : html`<p class="mute">none</p>`;
  return html`<tr><td><b>${h.actor.name}</b> <span class="mono mute">${h.actor.attackId}</span>${h.actor.aliases.length ? html`<div class="mute">${h.actor.aliases.join(', ')}</div>` : ''}${
    h.actor.country ? html`<div>${h.actor.country}${h.actor.sponsor ? html`, ${h.actor.sponsor}` : ''}</div>` : ''
  }</td><td data-v="${h.probability}"><meter min="0" max="1" value="${h.probability.toFixed(3)}"></meter> ${(h.probability * 100).toFixed(1)}%<div>${h.words}</div></td><td><details><summary>${h.evidence.for.length} for, ${h.evidence.against.length} against</summary><h3>For</h3>${items(h.evidence.for)}<h3>Against</h3>${items(h.evidence.against)}</details></td></tr>`;
}

function attribution(c: Case): SafeHtml {
  const a = c.attribution;
  if (!a) return html``;
  return html`<section id="attribution"><h2>Attribution</h2>
<p class="warn">An attribution hypothesis is one data point for an analyst, not a verdict. Probabilities are stated with the ${a.yardstick.toUpperCase()} yardstick.</p>
<table class="sortable"><thead><tr><th data-sort="txt">actor</th><th data-sort="num">probability</th><th>evidence</th></tr></thead><tbody>${a.hypotheses.map(hypothesis)}
<tr><td><i>none of the known groups</i></td><td data-v="${a.unknown}"><meter min="0" max="1" value="${a.unknown.toFixed(3)}"></meter> ${(a.unknown * 100).toFixed(1)}%</td><td></td></tr></tbody></table>
${a.sponsors.length ? html`<h3>Sponsoring state</h3><table><thead><tr><th>country</th><th>probability</th></tr></thead><tbody>${a.sponsors.map((s) => html`<tr><td>${s.name} <span class="mono mute">${s.country}</span></td><td><meter min="0" max="1" value="${s.probability.toFixed(3)}"></meter> ${(s.probability * 100).toFixed(1)}% · ${s.words}</td></tr>`)}</tbody></table>` : ''}
<h3>Observed inputs</h3><table class="kv"><tbody>
<tr><td>Techniques</td><td>${tags(a.observed.techniques)}</td></tr>
<tr><td>Software</td><td>${tags(a.observed.software)}</td></tr>
<tr><td>CVEs</td><td>${tags(a.observed.cves)}</td></tr>
<tr><td>UTC offset of activity</td><td>${a.observed.utcOffset === null ? '—' : `UTC${a.observed.utcOffset >= 0 ? '+' : ''}${a.observed.utcOffset}`}</td></tr>
</tbody></table></section>`;
}

function timeline(c: Case, anchors: Map<string, string>, o: Required<HtmlOptions>): SafeHtml {
  const rows: { f: Finding; e: MatchedEvent }[] = [];
  for (const f of c.findings) for (const e of f.events) rows.push({ f, e });
  if (rows.length === 0) return html``;
  rows.sort((a, b) => (a.e.time ?? Infinity) - (b.e.time ?? Infinity));
  const shown = rows.slice(0, o.maxTimelineRows);
  return html`<section id="timeline"><h2>Timeline of matched events</h2>${tools('timeline-table', 'filter events', true)}
<table id="timeline-table" class="sortable"><thead><tr><th data-sort="txt">time (UTC)</th><th data-sort="num">level</th><th data-sort="txt">rule</th><th data-sort="txt">host</th><th data-sort="txt">evidence</th><th>values</th></tr></thead><tbody>${shown.map(
    ({ f, e }) =>
      html`<tr data-level="${f.level}">${time(e.time)}<td data-v="${rank(f.level)}">${levelBadge(f.level)}</td><td><a href="#${anchors.get(f.id) ?? ''}">${f.rule.title}</a></td><td>${e.host ?? ''}</td><td class="mono wrap">${e.prov.path} <span class="mute">${locatorText(e.prov.locator)}</span></td><td class="mono wrap">${Object.entries(
        e.values,
      ).map(([k, v]) => html`<div><b>${k}</b>: ${valueText(v)}</div>`)}</td></tr>`,
  )}</tbody></table>${more(shown.length, rows.length, 'timeline.csv')}</section>`;
}

function evidenceRow(e: ManifestEntry): SafeHtml {
  const unusable = e.records !== undefined ? e.records - e.events : 0;
  return html`<tr><td class="mono wrap">${e.path}</td><td class="mono">${e.format}</td><td class="num" data-v="${e.size}">${formatBytes(e.size)}</td><td class="num" data-v="${e.events}">${e.events.toLocaleString('en-US')}${unusable > 0 ? html`<div class="mute">${unusable} unusable record(s)</div>` : ''}</td><td class="num">${e.issues ?? 0}</td>${time(e.first)}${time(e.last)}<td class="mono" title="${e.sha256}">${e.sha256.slice(0, 16)}${e.sha256 ? '…' : ''}</td><td class="t">${e.mtime ?? ''}</td><td>${e.reason ?? ''}</td></tr>`;
}

function evidence(c: Case, o: Required<HtmlOptions>): SafeHtml {
  const shown = c.evidence.slice(0, o.maxEvidenceRows);
  return html`<section id="evidence"><h2>Evidence manifest (${c.evidence.length} file(s))</h2>
<p class="mute">Every input file with its SHA-256 (computed while reading; the evidence is opened read-only), detected format and the number of events read from it.</p>
${tools('evidence-table', 'filter files', false)}
<table id="evidence-table" class="sortable"><thead><tr><th data-sort="txt">path</th><th data-sort="txt">format</th><th class="num" data-sort="num">size</th><th class="num" data-sort="num">events</th><th class="num" data-sort="num">issues</th><th data-sort="txt">first event</th><th data-sort="txt">last event</th><th>SHA-256</th><th data-sort="txt">modified</th><th data-sort="txt">note</th></tr></thead><tbody>
${shown.map(evidenceRow)}</tbody></table>${more(shown.length, c.evidence.length, 'case.json')}</section>`;
}

function issues(c: Case, o: Required<HtmlOptions>): SafeHtml {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...c.issues].sort((a, b) => order[a.severity] - order[b.severity]);
  const shown = sorted.slice(0, o.maxIssues);
  return html`<section id="issues"><h2>Issues (${c.issues.length})</h2>
${c.issues.length === 0 ? html`<p class="mute">None: every file was read without a problem.</p>` : html`${tools('issues-table', 'filter issues', false)}
<table id="issues-table" class="sortable"><thead><tr><th data-sort="txt">severity</th><th data-sort="txt">code</th><th data-sort="txt">where</th><th>what</th></tr></thead><tbody>${shown.map((i) => {
        const loc = i.location;
        const where = loc ? [loc.path ?? '', loc.line !== undefined ? `line ${loc.line}` : '', loc.offset !== undefined ? `@0x${loc.offset.toString(16)}` : '', loc.record !== undefined ? `record ${loc.record}` : ''].filter(Boolean).join(' ') : '';
        return html`<tr><td class="sev-${i.severity}">${i.severity}</td><td class="mono">${i.code}</td><td class="mono wrap">${where}</td><td class="wrap">${i.message}</td></tr>`;
      })}</tbody></table>${more(shown.length, c.issues.length, 'case.json')}`}
</section>`;
}

/**
 * `report.html`: one self-contained page (inline CSS and JS pinned by a CSP hash, no network
 * assets) for an incident responder: summary, CVE verdicts, findings with provenance, ATT&CK,
 * attribution, timeline, evidence manifest and issues. Every evidence-derived string is escaped.
 */
export function renderHtml(c: Case, options: HtmlOptions = {}): string {
  const o = { ...DEFAULTS, ...options };
  const groups = groupByRule(c.findings);
  // Links to a finding (from verdicts, ATT&CK, the timeline) land on its rule's row.
  const anchors = new Map(groups.flatMap((g) => g.findings.map((f) => [f.id, g.anchor] as const)));
  const csp = `default-src 'none'; style-src ${cspHash(REPORT_CSS)}; script-src ${cspHash(REPORT_JS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const sections: [string, string, boolean][] = [
    ['summary', 'Summary', true],
    ['verdicts', 'Verdicts', Boolean(c.verdicts?.length)],
    ['findings', 'Findings', true],
    ['attack', 'ATT&CK', true],
    ['attribution', 'Attribution', Boolean(c.attribution)],
    ['timeline', 'Timeline', c.findings.some((f) => f.events.length > 0)],
    ['evidence', 'Evidence', true],
    ['issues', 'Issues', true],
  ];
  const title = `Kahu case ${c.created}`;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trusted(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style></head>
<body>
<header><h1>Kahu case report</h1><div class="sub">${c.command.inputs.join(' · ')} — scanned ${c.created} by Kahu ${c.tool.version} (case format ${c.schema})</div></header>
<nav>${sections.filter((s) => s[2]).map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
<main>
${summary(c, anchors)}
${verdicts(c, anchors)}
${findings(c, groups, o)}
${attack(c, anchors)}
${attribution(c)}
${timeline(c, anchors, o)}
${evidence(c, o)}
${issues(c, o)}
</main>
<footer>Generated by Kahu ${c.tool.version}. Times are UTC. Evidence-derived text is shown escaped; invisible and control characters appear as \\uNNNN. The machine-readable case is case.json beside this file.</footer>
<script>${trusted(REPORT_JS)}</script>
</body></html>
`;
  return page.html;
}
