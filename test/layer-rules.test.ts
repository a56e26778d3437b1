import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of .dependency-cruiser.cjs (what `npm run check` enforces) catch a planted bad
 * import: each case adds one file to a temp copy of src/ and cruises only that file (and what it
 * reaches), so the result does not depend on the rest of the tree being clean.
 */
let copy: string;
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'hetbench-layers-'));
  for (const p of ['src', 'tsconfig.json', '.dependency-cruiser.cjs']) cpSync(p, join(copy, p), { recursive: true });
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

async function violationsOf(planted: Record<string, string>): Promise<IViolation[]> {
  for (const [path, code] of Object.entries(planted)) writeFileSync(join(copy, path), code);
  const options = await extractDepcruiseOptions(join(copy, '.dependency-cruiser.cjs'));
  const result = await cruise(
    Object.keys(planted),
    { ...options, baseDir: copy, validate: true },
    {},
    { tsConfig: extractTSConfig(join(copy, 'tsconfig.json')) },
  );
  if (typeof result.output === 'string') throw new Error(`expected a cruise result, got ${result.output}`);
  return result.output.summary.violations;
}

const named = (vs: readonly IViolation[]) => vs.map((v) => [v.rule.name, v.from, v.to]);

describe('dependency rules (.dependency-cruiser.cjs) report a planted violation', () => {
  it('an upward import: stats importing sim', async () => {
    const vs = await violationsOf({ 'src/stats/planted-up.ts': "export { simulate } from '../sim/simulate.js';\n" });
    expect(named(vs)).toContainEqual(['layer-stats', 'src/stats/planted-up.ts', 'src/sim/simulate.ts']);
  });

  it('library code importing the CLI', async () => {
    const vs = await violationsOf({ 'src/report/planted-cli.ts': "export * from '../cli/output.js';\n" });
    expect(named(vs)).toContainEqual(['no-cli-below', 'src/report/planted-cli.ts', 'src/cli/output.ts']);
  });

  it('an import cycle inside one layer', async () => {
    const vs = await violationsOf({
      'src/stats/planted-a.ts': "import { b } from './planted-b.js';\nexport const a = (): number => b() + 1;\n",
      'src/stats/planted-b.ts': "import { a } from './planted-a.js';\nexport const b = (): number => a() - 1;\n",
    });
    expect(vs.map((v) => v.rule.name)).toContain('no-circular');
  });

  it('a node: module in the pure core', async () => {
    const vs = await violationsOf({ 'src/model/planted-node.ts': "export { readFileSync } from 'node:fs';\n" });
    expect(named(vs)).toContainEqual(['pure-core-no-node', 'src/model/planted-node.ts', 'fs']);
  });

  it('the browser page importing Node: a node: module, a Node-only module, a node helper', async () => {
    const vs = await violationsOf({
      'src/web/planted-node.ts':
        "export { readFileSync } from 'node:fs';\nexport { createDawn } from '../gpu/dawn.js';\nexport { VERSION } from '../version.js';\n",
    });
    expect(named(vs)).toContainEqual(['web-no-node-core', 'src/web/planted-node.ts', 'fs']);
    expect(named(vs)).toContainEqual(['web-no-node', 'src/web/planted-node.ts', 'src/gpu/dawn.ts']);
    expect(named(vs)).toContainEqual(['layer-web', 'src/web/planted-node.ts', 'src/version.ts']);
  });
});
