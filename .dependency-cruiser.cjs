// Import rules of src/ (STYLE.md "Layout"), checked by `npm run lint`:
// - import direction: core <- model <- evidence|sigma|attack|generate <- engine|compile|attribution|verdict
//   <- store|yara|report <- case <- cli|server. A module imports only from lower levels (same-level
//   modules never import each other);
// - another module is reached only through its index.ts (tests beside the code may reach further);
// - source never imports test code; no cycles anywhere.
const levels = {
  core: 0, model: 1, evidence: 2, sigma: 2, attack: 2, generate: 2, engine: 3, compile: 3, attribution: 3, verdict: 3,
  store: 4, yara: 4, report: 4, case: 5, cli: 6, server: 6,
};
const names = Object.keys(levels);
const TEST = '\\.test\\.ts$';
const forbidden = [
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  {
    name: 'through-index-only',
    comment: "Reach another module only through its index.ts (its public surface).",
    severity: 'error',
    from: { path: '^src/([^/]+)/', pathNot: TEST },
    to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
  },
  {
    name: 'no-test-code-in-src',
    severity: 'error',
    from: { path: '^src/', pathNot: TEST },
    to: { path: '^(test|bench|scripts)/' },
  },
  {
    name: 'not-to-unresolvable',
    severity: 'error',
    from: { path: '^src/' },
    to: { couldNotResolve: true },
  },
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
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
