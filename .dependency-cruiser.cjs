/**
 * The layer rules of docs/ARCHITECTURE.md, checked by `npm run check` (depcruise).
 *
 * Layers, lowest first; a module may import its own layer and any layer below it:
 *   stats                               seeded rng, quantiles, normal, bootstrap, rank tests
 *   base   errors.ts spec/               named errors, schema validation
 *   gpu                                  the device (the only place that knows Dawn)
 *   kernels                              WGSL generation, autotuner, probes (no clusters)
 *   hardware < cluster, workload         specs: data, own their types
 *   model                                per-generation costs, memory, collectives
 *   policy                               one file per policy
 *   sim                                  the one step composer, order statistics, simulate
 *   bench                                the measured runner (GPU + sim)
 *   report                               schema, compare, renderers (reads sim/bench results)
 *   fleet                                per-node measurement, manifests, merge (bench and below)
 *   web                                  the browser page (src/web): everything below cli but Node
 *   cli, index.ts                        commands and the library entry
 * Node-only helpers at the top of src (assets.ts, version.ts, write-atomic.ts, io/) sit beside base but may
 * use node: modules; the pure core (stats .. sim) never imports the GPU layers.
 */
const layer = (...dirs) => `^src/(${dirs.join('|')})(/|\\.ts$)`;
/** What bench may import; fleet and report may import it and bench. */
const benchBelow = [
  'stats',
  'base',
  'node',
  'gpu',
  'kernels',
  'hardware',
  'cluster',
  'workload',
  'model',
  'policy',
  'sim',
];
const below = {
  stats: [],
  base: ['stats'],
  gpu: ['stats', 'base', 'node'],
  kernels: ['stats', 'base', 'node', 'gpu'],
  hardware: ['stats', 'base'],
  cluster: ['stats', 'base', 'hardware'],
  workload: ['stats', 'base'],
  model: ['stats', 'base', 'hardware', 'cluster', 'workload'],
  policy: ['stats', 'base', 'hardware', 'cluster', 'workload', 'model'],
  sim: ['stats', 'base', 'hardware', 'cluster', 'workload', 'model', 'policy'],
  bench: benchBelow,
  // fleet and report sit side by side over bench: neither imports the other.
  fleet: [...benchBelow, 'bench'],
  report: [...benchBelow, 'bench'],
  // The page bundles everything it imports: no node helpers (assets, version, write-atomic, io).
  web: [...benchBelow.filter((d) => d !== 'node'), 'bench', 'report'],
};
const paths = {
  stats: layer('stats'),
  base: layer('errors', 'spec', 'template'),
  node: layer('assets', 'version', 'write-atomic', 'io'),
  gpu: layer('gpu'),
  kernels: layer('kernels'),
  hardware: layer('hardware'),
  cluster: layer('cluster'),
  workload: layer('workload'),
  model: layer('model'),
  policy: layer('policy'),
  sim: layer('sim'),
  bench: layer('bench'),
  report: layer('report'),
  fleet: layer('fleet'),
  web: layer('web'),
  cli: layer('cli', 'index'),
};
const WEB_INTERFACES = '^src/web/platform/interfaces\\.ts$';
const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'Import cycles hide the layering',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-cli-below',
    severity: 'error',
    comment: 'Nothing below the CLI imports it: library code names parameters, the CLI maps them to flags',
    from: { path: '^(src|bench)/', pathNot: paths.cli },
    to: { path: paths.cli },
  },
  {
    name: 'src-not-into-tests',
    severity: 'error',
    comment: 'Product code never imports tests, benchmarks or scripts',
    from: { path: '^src/' },
    to: { path: '^(test|bench|scripts)/' },
  },
  ...Object.entries(below).map(([from, allowed]) => ({
    name: `layer-${from}`,
    severity: 'error',
    comment: `${from} may import only: ${allowed.length ? allowed.join(', ') : 'nothing else in src'} (docs/ARCHITECTURE.md)`,
    // src/web/platform/interfaces.ts imports the Node modules' types (only) to hold their browser sides to them.
    from: { path: paths[from], ...(from === 'web' ? { pathNot: WEB_INTERFACES } : {}) },
    to: { path: '^src/', pathNot: [paths[from], ...allowed.map((a) => paths[a])].join('|') },
  })),
  {
    name: 'web-no-node',
    severity: 'error',
    comment:
      'The page runs in a browser: none of the Node-only modules inside the layers ' +
      '(the web build swaps gpu/dawn.ts, kernels/tune-store.ts, assets.ts and version.ts for src/web/platform/)',
    from: { path: paths.web, pathNot: WEB_INTERFACES },
    to: {
      path: '^src/(gpu/dawn|kernels/tune-store|bench/environment|spec/(bounded-read|read-json-file))\\.ts$',
    },
  },
  {
    name: 'web-no-node-core',
    severity: 'error',
    comment: 'The page runs in a browser: no node: modules',
    from: { path: paths.web },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'node-helpers-low',
    severity: 'error',
    comment: 'assets.ts, write-atomic.ts and io/ serve every layer and import only stats and base',
    from: { path: paths.node },
    to: { path: '^src/', pathNot: [paths.node, paths.stats, paths.base].join('|') },
  },
  {
    name: 'pure-core-no-node',
    severity: 'error',
    comment: 'The pure core (stats, specs, model, policy, sim) runs in a browser too: no node: modules',
    from: { path: layer('stats', 'hardware', 'workload', 'model', 'policy', 'sim') },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'no-unresolvable',
    severity: 'error',
    from: {},
    // The web build's generated validators (scripts/build-web.mjs) exist only inside the bundle.
    to: { couldNotResolve: true, pathNot: '^hetbench:validators$' },
  },
];
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
