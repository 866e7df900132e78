import { relative } from 'node:path';
import type { Command } from 'commander';
import { IssueCollector, KahuError } from '../../core/index.js';
import { runRegression } from '../../engine/index.js';
import { loadMappings, loadRules, mapRules } from '../../sigma/index.js';

/** Strips terminal control sequences from text that may come from rule files or evidence. */
function clean(s: string): string {
   
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

function placeholdersFrom(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of list ?? []) {
    const m = /^%?([A-Za-z0-9_.-]+)%?=(.*)$/.exec(p);
    if (!m) throw new KahuError('usage', `--placeholder wants NAME=value[,value...], not ${JSON.stringify(p)}`);
    out[m[1]!] = [...(out[m[1]!] ?? []), ...m[2]!.split(',')];
  }
  return out;
}

/** `kahu sigma check` and `kahu sigma test`. */
export function register(program: Command): void {
  const sigma = program.command('sigma').description('Sigma rules: check that they load, run SigmaHQ regression tests');

  sigma
    .command('check')
    .argument('<path...>', 'rule files or folders (searched recursively for *.yml / *.yaml)')
    .option('--json', 'print { loaded, skipped: [{ file, line, col, reason }] }')
    .option('--placeholder <name=values...>', 'values for |expand placeholders, e.g. known_cdcs=dc1,dc2')
    .description('load Sigma rules and report each skipped rule with its file:line:col and reason')
    .action(async (paths: string[], opts: { json?: boolean; placeholder?: string[] }) => {
      const issues = new IssueCollector();
      const set = await loadRules(paths, issues, { placeholders: placeholdersFrom(opts.placeholder) });
      const loaded = set.detections.length + set.correlations.length + set.filters.length;
      const mapped = mapRules(set.detections, loadMappings());
      const active = mapped.filter((m) => m.targets.length > 0).length;
      if (opts.json) {
        const out = {
          loaded,
          files: set.files,
          detections: set.detections.length,
          correlations: set.correlations.length,
          filters: set.filters.length,
          activeOnKahuSources: active,
          skipped: set.skipped.map((s) => ({ file: s.file, line: s.line, col: s.col, reason: s.reason })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      for (const s of set.skipped) {
        process.stdout.write(`skipped ${clean(relative(process.cwd(), s.file))}:${s.line}:${s.col}: ${clean(s.reason)}\n`);
      }
      for (const i of issues.all().filter((x) => x.code === 'io')) process.stdout.write(`error: ${clean(i.message)}\n`);
      process.stdout.write(
        `${loaded} loaded (${set.detections.length} detection, ${set.correlations.length} correlation, ${set.filters.length} filter) ` +
          `from ${set.files} files, ${set.skipped.length} skipped; ${active} detection rules map to Kahu evidence sources\n`,
      );
    });

  sigma
    .command('test')
    .requiredOption('--regression <dir>', "SigmaHQ regression_data folder (each case's info.yml + samples)")
    .requiredOption('--rules <dir...>', 'rule folders (a SigmaHQ checkout: rules, rules-emerging-threats, ... are found inside)')
    .option('--no-evtx', 'run only the .json samples, not the .evtx ones')
    .option('--exact-count', 'also fail when the number of matches differs from match_count')
    .option('--json', 'print the results as JSON')
    .description('run SigmaHQ regression cases: each rule must fire on its samples (JSON and EVTX)')
    .action(async (opts: { regression: string; rules: string[]; evtx: boolean; exactCount?: boolean; json?: boolean }) => {
      const issues = new IssueCollector();
      const set = await loadRules(opts.rules, issues);
      const results = await runRegression(opts.regression, set, { evtx: opts.evtx, exactCount: opts.exactCount === true });
      const passed = results.filter((r) => r.passed).length;
      const failed = results.length - passed;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ passed, failed, results }, null, 2)}\n`);
        return;
      }
      for (const r of results) {
        if (!r.passed) process.stdout.write(`FAIL ${clean(relative(process.cwd(), r.info))} (${r.ruleId} ${clean(r.title)}): ${clean(r.reason ?? '')}\n`);
      }
      const mismatched = results.filter((r) => r.countMismatch);
      for (const r of mismatched) {
        const counts = [r.json && `json ${r.json.count}`, r.evtx && `evtx ${r.evtx.count}`].filter(Boolean).join(', ');
        process.stdout.write(`note ${clean(relative(process.cwd(), r.info))}: ${counts} match(es), info.yml match_count ${r.expected}\n`);
      }
      const withEvtx = results.filter((r) => r.evtx !== null).length;
      process.stdout.write(
        `samples: ${results.filter((r) => r.json !== null).length} json, ${withEvtx} evtx; ${mismatched.length} case(s) whose count differs from match_count\n`,
      );
      process.stdout.write(`${passed} passed, ${failed} failed\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
