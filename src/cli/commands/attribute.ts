import { Option } from 'commander';
import type { Command } from 'commander';
import { KahuError } from '../../core/index.js';
import { countryName, loadAttackKb } from '../../attack/index.js';
import { attribute, DEFAULT_UNKNOWN_PRIOR, type AttributionResult, type Yardstick } from '../../attribution/index.js';
import { terminalSafe } from '../../report/index.js';

/** Options of `kahu attribute` as commander parses them. */
export interface AttributeCliOptions {
  techniques?: string[];
  software?: string[];
  cves?: string[];
  excludeSource?: string[];
  yardstick: Yardstick;
  json?: boolean;
  top: string;
  unknownPrior?: string;
}

/** Splits repeated, comma-separated option values ("T1190,T1505.003" "T1003") into one clean list. */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function pct(p: number): string {
  return p >= 0.995 ? '>99%' : p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`;
}

function pad(s: string, n: number): string {
  const cps = [...s];
  return cps.length >= n ? cps.slice(0, n - 1).join('') + '…' : s + ' '.repeat(n - cps.length);
}

/** Human rendering: a ranked table with yardstick words and the strongest evidence each way. */
export function renderAttribution(r: AttributionResult): string {
  const out: string[] = [];
  const implied = r.observed.techniques.length;
  out.push(
    `Observed: ${implied} techniques (with implied parents), ${r.observed.software.length} software, ${r.observed.cves.length} CVEs` +
      (r.observed.utcOffset !== null ? `; operators' working hours fit UTC${r.observed.utcOffset >= 0 ? '+' : ''}${r.observed.utcOffset}` : ''),
  );
  if (r.ignored.length) out.push(`Not in ATT&CK (ignored): ${r.ignored.map((x) => terminalSafe(x)).join(', ')}`);
  for (const n of r.notes) out.push(`Note: ${terminalSafe(n)}`);
  out.push(`Yardstick: ${r.yardstick === 'phia' ? 'UK PHIA' : 'US ICD 203'}. Probabilities are calibrated on ATT&CK's own reports (docs/attribution-eval.md).`);
  out.push('');
  out.push(`${pad('#', 3)}${pad('Group', 22)}${pad('ATT&CK', 7)}${pad('P', 6)}${pad('Words', 23)}${pad('Sponsor', 13)}Top evidence (for | against)`);
  r.hypotheses.forEach((h, i) => {
    const f = h.evidence.for.slice(0, 3).map((e) => e.id + (e.kind === 'software' && e.name ? ` ${e.name}` : ''));
    const a = h.evidence.against.slice(0, 2).map((e) => e.id);
    const sponsor = h.actor.sponsor ?? (h.actor.country ? countryName(h.actor.country) : '-');
    out.push(
      `${pad(String(i + 1), 3)}${pad(h.actor.name, 22)}${pad(h.actor.attackId, 7)}${pad(pct(h.probability), 6)}${pad(h.words, 23)}${pad(sponsor, 13)}${f.join(', ') || '-'} | ${a.join(', ') || '-'}`,
    );
  });
  out.push(`${pad('', 3)}${pad('unknown / not in ATT&CK', 29)}${pad(pct(r.unknown), 6)}${r.unknown >= 0 ? r.unknownWords : ''}`);
  out.push('');
  out.push('Sponsor roll-up (suspected state sponsor, else country of origin):');
  for (const s of r.sponsors.slice(0, 5)) out.push(`  ${pad(s.name, 20)}${pad(pct(s.probability), 6)}${s.words}`);
  out.push(`  ${pad('unknown actor', 20)}${pad(pct(r.unknown), 6)}`);
  const best = r.hypotheses[0];
  if (best) {
    out.push('');
    out.push(`Evidence for ${best.actor.name} (${best.actor.attackId}), weight in calibrated nats, with the reports behind each profile fact:`);
    for (const e of best.evidence.for.slice(0, 8)) {
      out.push(`  + ${pad(e.id, 15)}${pad(e.weight.toFixed(2), 7)}${e.name ? `${e.name}: ` : ''}${e.note}${e.sources.length ? ` [${e.sources.slice(0, 3).join('; ')}${e.sources.length > 3 ? '; …' : ''}]` : ''}`);
    }
    for (const e of best.evidence.against.slice(0, 6)) {
      out.push(`  - ${pad(e.id, 15)}${pad(e.weight.toFixed(2), 7)}${e.name ? `${e.name}: ` : ''}${e.note}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Adds `kahu attribute` to the program. */
export function register(program: Command): void {
  program
    .command('attribute')
    .summary('rank ATT&CK groups (and "unknown") by observed techniques, software and CVEs, with calibrated words')
    .description(
      'Score every ATT&CK group plus an explicit "unknown / not in the knowledge base" outcome from techniques, ' +
        'software and CVEs (for example from a partner advisory), with calibrated probabilities, PHIA or ICD 203 ' +
        'words, the evidence for and against each hypothesis and the roll-up to sponsor state.',
    )
    .option('-t, --techniques <ids...>', 'ATT&CK technique ids, comma-separated or repeated (T1190,T1505.003)')
    .option('-s, --software <names...>', 'software ids or names ("China Chopper",S0020)')
    .option('--cves <ids...>', 'CVE ids (CVE-2021-26855)')
    .option('--exclude-source <citation key>', 'drop profile relationships cited only by this ATT&CK source (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--yardstick <name>', 'probability words').choices(['phia', 'icd203']).default('phia'))
    .option('--top <n>', 'hypotheses to list', '10')
    .option('--unknown-prior <p>', `prior probability that the actor is not an ATT&CK group (default ${DEFAULT_UNKNOWN_PRIOR})`)
    .option('--json', 'print the assessment as JSON')
    .addHelpText(
      'after',
      `
Examples:
  kahu attribute --techniques T1190,T1505.003,T1003.001 --software "China Chopper" --cves CVE-2021-26855
  kahu attribute -t T1566.001,T1059.001,T1547.001 --yardstick icd203 --json
  kahu attribute -t T1190,T1505.003 --exclude-source "Microsoft HAFNIUM March 2020"`,
    )
    .action((opts: AttributeCliOptions) => {
      const techniques = splitList(opts.techniques);
      const software = splitList(opts.software);
      const cves = splitList(opts.cves);
      if (techniques.length + software.length + cves.length === 0) {
        throw new KahuError('usage', 'give at least one of --techniques, --software, --cves');
      }
      for (const c of cves) if (!/^CVE-\d{4}-\d{4,}$/i.test(c)) throw new KahuError('usage', `not a CVE id: ${terminalSafe(c)}`);
      const top = Number(opts.top);
      if (!Number.isInteger(top) || top < 1) throw new KahuError('usage', '--top must be a positive integer');
      let unknownPrior: number | undefined;
      if (opts.unknownPrior !== undefined) {
        unknownPrior = Number(opts.unknownPrior);
        if (!(unknownPrior > 0 && unknownPrior < 1)) throw new KahuError('usage', '--unknown-prior must be between 0 and 1 (exclusive)');
      }
      const kb = loadAttackKb();
      const r = attribute(kb, { techniques, software, cves }, {
        yardstick: opts.yardstick,
        excludeSources: opts.excludeSource ?? [],
        top,
        ...(unknownPrior !== undefined ? { unknownPrior } : {}),
      });
      if (opts.json) {
        const { hypotheses, sponsors, unknown, yardstick, observed, ignored, notes } = r;
        process.stdout.write(JSON.stringify({ hypotheses, sponsors, unknown, yardstick, observed, ignored, notes }, null, 2) + '\n');
      } else {
        process.stdout.write(renderAttribution(r));
      }
      if (r.ignored.length) process.stderr.write(`kahu: not in ATT&CK, ignored: ${r.ignored.map((x) => terminalSafe(x)).join(', ')}\n`);
    });
}
