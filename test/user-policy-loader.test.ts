import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPolicyModulePath, loadPolicies } from '../src/cli/policy-module.js';
import { UsageError } from '../src/errors.js';
import { policyNames } from '../src/policy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hetbench-user-policy-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const good = (name: string) =>
  `export const policy = { name: '${name}', summary: 'all on class 0', kind: 'static', ` +
  'allocate: (ctx) => ctx.model.classes.map((_, i) => (i === 0 ? ctx.model.globalBatch : 0)) };\n';

async function loadError(raw: string): Promise<UsageError> {
  const err = await loadPolicies(raw).catch((e: unknown) => e);
  if (!(err instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(err)}`);
  expect(err.field).toBe('--policy');
  expect(err.exitCode).toBe(2);
  return err;
}

describe('--policy with policy modules', () => {
  it('tells module paths from names', () => {
    expect(['./a.mjs', '../a.js', '/abs/p', 'p.mjs', 'dir/p.js'].map(isPolicyModulePath)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['lockstep', 'all', 'fastest', 'mjs'].map(isPolicyModulePath)).toEqual([false, false, false, false]);
  });

  it('absent or all: the built-ins, no modules', async () => {
    for (const raw of [undefined, 'all']) {
      const s = await loadPolicies(raw);
      expect(s.names).toEqual(policyNames);
      expect(s.modules).toEqual([]);
    }
  });

  it('mixes built-ins and a module in the order given, duplicates dropped, with the file SHA-256', async () => {
    const path = write('one.mjs', good('one-class'));
    const s = await loadPolicies(`minmax,${path},lockstep,minmax,${path}`);
    expect(s.names).toEqual(['minmax', 'one-class', 'lockstep']);
    expect(s.policies[0]).toBe('minmax');
    expect(s.modules).toEqual([
      { policy: 'one-class', module: path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') },
    ]);
    expect(typeof s.policies[1]).toBe('object');
  });

  it('all inside a list expands to the built-ins', async () => {
    const path = write('two.mjs', good('two'));
    expect((await loadPolicies(`${path},all`)).names).toEqual(['two', ...policyNames]);
  });

  it('a default export is the policy too', async () => {
    const path = write('default.mjs', good('dflt').replace('export const policy =', 'export default'));
    expect((await loadPolicies(path)).names).toEqual(['dflt']);
  });

  it('a missing file, a directory, a non-module extension', async () => {
    const missing = join(dir, 'nope.mjs');
    expect(missing.length).toBeLessThan(58); // describeValue shows values up to 60 characters whole
    expect((await loadError(missing)).message).toBe(
      `--policy: got ${JSON.stringify(missing)}; does not exist (looked for ${missing}); a policy module is ` +
        'an ES module (.mjs, or .js) exporting `policy`: docs/policies.md, "Your own policy".',
    );
    const sub = join(dir, 'adir.mjs');
    mkdirSync(sub, { recursive: true });
    expect((await loadError(sub)).message).toContain('; is a directory, not a module file;');
    expect((await loadError('./policy.ts')).message).toBe(
      '--policy: got "./policy.ts"; must be a .mjs or .js file (a policy module is an ES module (.mjs, or .js) ' +
        'exporting `policy`: docs/policies.md, "Your own policy"; compile TypeScript first).',
    );
  });

  it('an unknown name says what would do', async () => {
    expect((await loadError('lockstep,fastest')).message).toBe(
      `--policy: got "fastest"; is not a policy; use one of: ${policyNames.join(', ')}, all, or a policy module's ` +
        'path (./my-policy.mjs: docs/policies.md).',
    );
  });

  it('a module that throws at import names the failure', async () => {
    const path = write('throws.mjs', "throw new Error('no GPU here');\n");
    expect((await loadError(path)).message).toContain('; failed to load: no GPU here.');
  });

  it('a module that exports no policy lists what it exports', async () => {
    const path = write('nothing.mjs', 'export const foo = 1;\nexport function bar() {}\n');
    expect((await loadError(path)).message).toContain(
      '; exports no `policy` and no default export (found: bar, foo); add `export const policy = ',
    );
  });

  it('a module whose policy lacks allocate, or takes a built-in name, or a name another module has', async () => {
    const noAllocate = write('no-allocate.mjs', "export const policy = { name: 'x', summary: 's', kind: 'static' };\n");
    expect((await loadError(noAllocate)).message).toContain(
      '; does not implement the policy interface (docs/policies.md, "Your own policy"): ' +
        'policy.allocate is not a function (got undefined).',
    );
    const builtin = write('builtin.mjs', good('minmax'));
    expect((await loadError(builtin)).message).toContain(
      'policy.name "minmax" is a built-in policy\'s name; give yours its own.',
    );
    const a = write('same-a.mjs', good('same'));
    const b = write('same-b.mjs', good('same'));
    expect((await loadError(`${a},${b}`)).message).toContain(
      `; exports a policy named "same", the name of the policy of ${a}; give each its own name.`,
    );
  });
});
