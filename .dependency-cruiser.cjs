// Import direction (STYLE.md): core <- model <- evidence|sigma|attack|generate <- engine|compile|attribution|verdict
// <- store|yara|report <- case <- cli|server. A module may import only from lower levels.
const levels = {
  core: 0, model: 1, evidence: 2, sigma: 2, attack: 2, generate: 2, engine: 3, compile: 3, attribution: 3, verdict: 3,
  store: 4, yara: 4, report: 4, case: 5, cli: 6, server: 6,
};
const names = Object.keys(levels);
const forbidden = [
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
];
for (const from of names) {
  const bad = names.filter((to) => to !== from && levels[to] >= levels[from]);
  if (bad.length) {
    forbidden.push({
      name: `${from}-imports-downward-only`,
      severity: 'error',
      from: { path: `^src/${from}/` },
      to: { path: `^src/(${bad.join('|')})/` },
    });
  }
}
module.exports = {
  forbidden,
  options: { doNotFollow: { path: 'node_modules' }, tsConfig: { fileName: 'tsconfig.json' }, tsPreCompilationDeps: true },
};
