#!/usr/bin/env node
// The web build (npm run build, after tsc): src/web/main.ts bundled by esbuild into dist/web/
// (index.html, app.js, app.css), the page `hetbench serve` serves.
//
// Why esbuild and not Vite: the page is one TypeScript entry with no framework, no dev server
// and no plugin graph; esbuild bundles TypeScript with zero configuration from one binary in a
// fraction of a second, and its one small plugin below (module substitution) is all the build
// needs. Vite would add a dev server, Rollup and a config layer for the same output.
//
// Node-only modules reachable from the measured run are swapped for their browser
// implementations (WEB_SUBSTITUTES; src/web/platform/interfaces.ts holds each pair to one
// interface), and the build fails if anything Node-only is still in the bundle.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
const generated = join(root, 'dist', 'web-build');
const at = (...p) => join(root, ...p);

/** Node module (as resolved) -> its browser implementation. */
const WEB_SUBSTITUTES = new Map([
  [at('src/gpu/dawn.ts'), at('src/web/platform/dawn.ts')],
  [at('src/assets.ts'), at('src/web/platform/assets.ts')],
  [at('src/version.ts'), at('src/web/platform/version.ts')],
  [at('src/kernels/tune-store.ts'), at('src/web/platform/tune-store.ts')],
]);
/** Bare imports replaced: ajv's compiler runs `new Function`, which the page's CSP forbids. */
const BARE_SUBSTITUTES = new Map([['ajv/dist/2020.js', at('src/web/platform/ajv.ts')]]);

/** Nothing of these may reach the bundle: they exist only in Node. */
const NODE_ONLY = [
  /^node:/,
  /node_modules\/webgpu\//,
  /^src\/(write-atomic|io\/|spec\/bounded-read|spec\/read-json-file)/,
];

/** ajv's standalone code for every schema validate.ts compiles, with validate.ts's options. */
function standaloneValidators() {
  const ajv = new Ajv2020({
    allErrors: false,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    keywords: [{ keyword: 'x-fix', schemaType: 'string' }],
    code: { source: true, esm: true },
  });
  const names = ['cluster', 'workload', 'layout', 'report', 'tune-cache'];
  for (const name of names) ajv.addSchema(JSON.parse(readFileSync(at('schemas', `${name}.schema.json`), 'utf8')), name);
  return standaloneCode.default(ajv, Object.fromEntries(names.map((n) => [n.replace('-', '_'), n])));
}

const substitute = {
  name: 'hetbench-web-substitutes',
  setup(b) {
    b.onResolve({ filter: /^hetbench:validators$/ }, () => ({ path: join(generated, 'validators.js') }));
    b.onResolve({ filter: /^ajv\/dist\/2020\.js$/ }, (args) =>
      args.importer.startsWith(at('src/web/platform')) ? undefined : { path: BARE_SUBSTITUTES.get(args.path) },
    );
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const web = WEB_SUBSTITUTES.get(target);
      return web === undefined ? undefined : { path: web };
    });
  },
};

export async function buildWeb() {
  const version = JSON.parse(readFileSync(at('package.json'), 'utf8')).version;
  const { WEB_CSP } = await import(at('dist/src/web/csp.js'));
  const { REPORT_CSS } = await import(at('dist/src/report/html.js'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(generated, { recursive: true });
  writeFileSync(join(generated, 'validators.js'), standaloneValidators());
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/web/main.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(out, 'app.js'),
    loader: { '.wgsl': 'text' },
    define: { __HETBENCH_VERSION__: JSON.stringify(version) },
    plugins: [substitute],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const leaked = inputs.filter((p) => NODE_ONLY.some((re) => re.test(p)));
  if (leaked.length > 0) {
    const importers = leaked.map((p) => {
      const by = inputs.filter((i) => result.metafile.inputs[i].imports.some((x) => x.path === p));
      return `  ${p} (imported by ${by.join(', ') || '?'})`;
    });
    throw new Error(`build-web: Node-only modules reached the bundle:\n${importers.join('\n')}`);
  }
  const html = readFileSync(at('src/web/static/index.html'), 'utf8')
    .replaceAll('{{CSP}}', WEB_CSP.replaceAll('"', '&quot;'))
    .replaceAll('{{VERSION}}', version);
  writeFileSync(join(out, 'index.html'), html);
  writeFileSync(join(out, 'app.css'), `${readFileSync(at('src/web/static/app.css'), 'utf8')}${REPORT_CSS}`);
  const size = readFileSync(join(out, 'app.js')).length;
  return { out: relative(root, out), inputs: inputs.length, bytes: size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  buildWeb().then(
    (r) => {
      if (process.env['HETBENCH_SETUP_VERBOSE'])
        console.log(
          `build-web: ${r.out}/app.js ${r.bytes} bytes from ${r.inputs} modules in ${Math.round(performance.now() - t0)} ms`,
        );
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
