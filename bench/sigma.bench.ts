// `npm run bench -- sigma [--events N] [--rounds N] [--runs N] [--tsx]`: the cost of Sigma detection next to the
// cost of parsing. Rules: every SigmaHQ rule with `product: windows` (rules, rules-emerging-threats,
// rules-threat-hunting). Inputs: (1) the evtx_dump JSON samples of SigmaHQ's regression_data (143 files, 175
// events), read into memory, repeated for several rounds; (2) a generated stream of Windows events (Sysmon
// 1/3/11/13, Security 4624/4688, PowerShell 4104) in the same layout, 1,000,000 by default, made in slices of 50,000
// so memory stays bounded.
// Parse = Kahu's JSON events evidence parser, as `kahu scan` reads such a file (bytes → records → JSON.parse →
// layout detection → flattened events). Until session 3 this bench timed a shorter hand-made path (JSON text
// already decoded, no layout detection) in the TypeScript source; the closing notes say which figure is which.
// Rules = the compiled, indexed rule set on those events (detector.onEvents, findings included).
// Each run is a fresh process (bench/sigma-child.mjs) on the compiled package (dist/, built first; `--tsx` runs the
// source): figures differ more between processes (JIT decisions) than between rounds, so several runs are made
// (default 3) and every run is printed with the medians.
// Figures: events/s for parse only and for parse + rules, and the ratio rules time / parse time (goal <= 0.5).
// The corpus is small (175 events) and every event is some rule's attack sample (1.4 findings per event, some 60
// different rules), so JIT warm-up of the rules' matchers weighs on it as on no real scan. It is printed in three
// phases: the first round (cold: JIT tiers, RE2 state and the per-value caches start empty), rounds 2-W (warming,
// W = --warmup, default 20), rounds W+1-N (warm: N = --rounds, default 60), and all rounds together.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { childMode, ensureBuilt, modeLabel, runChild } from './child.js';

export { generate } from './windows-events.mjs';

/** The shared corpora ($KAHU_CORPUS, else ../shared/data beside the checkout), as test/helpers/corpus.ts finds them. */
const CORPUS = process.env.KAHU_CORPUS ?? join(import.meta.dirname, '..', '..', 'shared', 'data');

/** What one child run reports (see bench/sigma-child.mjs). */
interface ChildResult {
  rules: number;
  variants: number;
  inactive: number;
  loadMs: number;
  compileMs: number;
  corpus: { files: number; bytes: number; perRound: Array<[number, number, number]>; findingsPerRound: number };
  stream: { parseMs: number; rulesMs: number; events: number; findings: number; candidates: number; evaluated: number; sampled: number };
  rssMiB: number;
}

/** Parse ms, rules ms and events summed over rounds [from, to). */
function sum(rounds: ReadonlyArray<[number, number, number]>, from: number, to: number): [number, number, number] {
  const s: [number, number, number] = [0, 0, 0];
  for (const r of rounds.slice(from, to)) for (let k = 0; k < 3; k++) s[k]! += r[k]!;
  return s;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = ([pm, rm]: readonly number[]): number => rm! / pm!;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const rates = ([pm, rm, ne]: readonly number[]): string =>
  `parse only ${fmt((ne! / pm!) * 1000).padStart(7)} events/s, parse + rules ${fmt((ne! / (pm! + rm!)) * 1000).padStart(7)} events/s, rules / parse ${ratio([pm!, rm!]).toFixed(2)}x`;

/** Entry point. */
export async function main(args: string[]): Promise<void> {
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const total = opt('events', 1_000_000);
  const rounds = opt('rounds', 60);
  const warmup = Math.min(opt('warmup', 20), rounds);
  const runs = opt('runs', 3);
  const mode = childMode(args);
  ensureBuilt(mode);
  console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, Node ${process.version}; kahu run as ${modeLabel(mode)}, ${runs} run(s)`);
  const results: ChildResult[] = [];
  const cold: number[] = [];
  const warming: number[] = [];
  const warm: number[] = [];
  const allRounds: number[] = [];
  const stream: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c = await runChild<ChildResult>('sigma-child.mjs', [CORPUS, String(total), String(rounds)], mode);
    results.push(c);
    if (r === 0) {
      console.log(
        `rules: ${c.rules} SigmaHQ Windows rules (${c.variants} mapped variants, ${c.inactive} with no Kahu source); ` +
          `load ${fmt(c.loadMs)} ms, map+compile+index ${fmt(c.compileMs)} ms`,
      );
      console.log(
        `corpus: ${c.corpus.files} regression JSON files, ${(c.corpus.bytes / 1e6).toFixed(1)} MB, ${fmt(c.corpus.perRound[0]![2])} events, ` +
          `${fmt(c.corpus.findingsPerRound)} findings per round, x${rounds} rounds; stream: ${fmt(c.stream.events)} generated events`,
      );
    }
    const pr = c.corpus.perRound;
    const wi = sum(pr, 1, warmup);
    const w = sum(pr, warmup, pr.length);
    cold.push(ratio(pr[0]!));
    if (warmup > 1) warming.push(ratio(wi));
    if (pr.length > warmup) warm.push(ratio(w));
    allRounds.push(ratio(sum(pr, 0, pr.length)));
    const s = c.stream;
    if (s.events > 0) stream.push(s.rulesMs / s.parseMs);
    console.log(`run ${r + 1} (peak RSS ${fmt(c.rssMiB)} MiB)`);
    console.log('  corpus, first round (cold)'.padEnd(33) + rates(pr[0]!));
    if (warmup > 1) console.log(`  corpus, rounds 2-${warmup} (warming)`.padEnd(33) + rates(wi));
    if (pr.length > warmup) console.log(`  corpus, rounds ${warmup + 1}-${pr.length} (warm)`.padEnd(33) + rates(w));
    console.log(`  corpus, all ${pr.length} rounds`.padEnd(33) + rates(sum(pr, 0, pr.length)));
    if (s.events > 0) {
      console.log(
        `  stream, ${fmt(s.events)} events`.padEnd(33) + `${rates([s.parseMs, s.rulesMs, s.events])}; ${fmt(s.findings)} findings; per event ` +
          `${(s.candidates / s.sampled).toFixed(1)} variants by Channel/EventID, ${(s.evaluated / s.sampled).toFixed(1)} evaluated after the literal prefilter`,
      );
    }
  }
  console.log(`median of ${runs} run(s), rules / parse (goal <= 0.50):`);
  const m = (xs: number[]): string => (xs.length > 0 ? `${median(xs).toFixed(2)}x` : '-');
  console.log(`  corpus: cold ${m(cold)}, warming ${m(warming)}, warm ${m(warm)}, all rounds ${m(allRounds)}`);
  if (stream.length > 0) console.log(`  stream: ${median(stream).toFixed(2)}x`);
}
