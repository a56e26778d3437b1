import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../src/cli/args.js';
import { assertFinite, terminalSafe } from '../src/cli/output.js';
import { planCommand } from '../src/cli/plan.js';
import { reportError } from '../src/cli/report-error.js';
import { simulateCommand } from '../src/cli/simulate.js';
import { parseClusterSpec } from '../src/cluster/parse.js';
import { SpecError, UsageError } from '../src/errors.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';

/*
 * Class 6 of issue 12, values the schema allowed but the model cannot use: every physical
 * quantity has a plausible range, and at both ends of every range plan and simulate print only
 * finite figures. Class 7, terminal and argument hygiene: escapes, repeated flags, the value a
 * flag error echoes, and an infeasible batch whose suggested fix works.
 */

const H100 = {
  id: 'x',
  name: 'X',
  bf16DenseTflops: 989,
  fp32Tflops: 67,
  memoryGB: 80,
  memoryBandwidthTBs: 3.35,
  scaleUpGBs: 450,
  tdpW: 700,
};
const GROUP = { gpu: 'x', count: 16, scaleUpDomain: 8, scaleOutGBs: 50 };
const RANGES = {
  bf16DenseTflops: [1, 100_000],
  fp32Tflops: [0.1, 10_000],
  memoryGB: [1, 10_000],
  memoryBandwidthTBs: [0.01, 1000],
  scaleUpGBs: [1, 100_000],
  tdpW: [10, 100_000],
} as const;

const spec = (gpu: object, group: object = {}) => ({
  name: 'edge',
  gpus: [{ ...H100, ...gpu }],
  groups: [{ ...GROUP, ...group }],
});

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return err as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('every physical quantity of a cluster spec has a plausible range', () => {
  const cases: (readonly [string, object, string, RegExp])[] = [
    ['scaleOutGBs 5e-324', spec({}, { scaleOutGBs: 5e-324 }), '$.groups[0].scaleOutGBs', /from 0\.1 to 10,000/],
    ['bf16DenseTflops 1e-300', spec({ bf16DenseTflops: 1e-300 }), '$.gpus[0].bf16DenseTflops', /from 1 to 100,000/],
    ...Object.entries(RANGES).map(
      ([field, [min]]) =>
        [
          `${field} below ${min}`,
          spec({ [field]: min / 2 }),
          `$.gpus[0].${field}`,
          new RegExp(`from ${min} to`),
        ] as const,
    ),
    ...Object.entries(RANGES).map(
      ([field, [, max]]) =>
        [`${field} above ${max}`, spec({ [field]: max * 2 }), `$.gpus[0].${field}`, /must be a number from/] as const,
    ),
  ];
  it.each(cases)('%s is refused naming the range', (_name, json, path, message) => {
    const err = specError(() => parseClusterSpec(json, 'c.json'));
    expect(err.field).toBe(`c.json: ${path}`);
    expect(err.message).toMatch(message);
  });

  it.each(['min', 'max'] as const)(
    'every quantity at its %s: plan and simulate print finite figures (or refuse the batch, exit 2)',
    async (end) => {
      const gpu = Object.fromEntries(Object.entries(RANGES).map(([k, [min, max]]) => [k, end === 'min' ? min : max]));
      const group =
        end === 'min'
          ? { scaleOutGBs: 0.1, scaleUpDomain: 1 }
          : { scaleOutGBs: 10_000, scaleUpDomain: 1024, count: 10_000_000 };
      const f = writeJsonFiles({ 'c.json': spec(gpu, group) });
      for (const [command, extra] of [
        [planCommand, []],
        [simulateCommand, ['--steps', '5']],
      ] as const) {
        for (const workload of ['8b', '405b']) {
          const r = await runCli(command, ['--cluster', f['c.json']!, '--workload', workload, ...extra]);
          expect([0, 2], String(r.error)).toContain(r.code);
          expect(r.stdout).not.toMatch(/NaN|Infinity/);
          if (r.code === 2) expect(r.error).toBeInstanceOf(UsageError);
        }
      }
    },
  );

  it('assertFinite names where a non-finite figure is, as an internal error (exit 70)', () => {
    expect(() => assertFinite({ a: [1, { b: 2 }], c: 'x', d: null }, 'plan')).not.toThrow();
    const err = (() => {
      try {
        assertFinite({ policies: [{ speedup: 1 }, { speedup: Number.NaN }] }, 'simulate');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UsageError);
    expect(String(err)).toMatch(
      /simulate: the model produced a non-finite figure \(NaN\) at \$\.policies\[1\]\.speedup/,
    );
  });
});

describe('terminal hygiene: user text cannot drive the terminal', () => {
  it('terminalSafe makes C0 and C1 controls visible, keeps newlines unless told not to', () => {
    expect(terminalSafe('a\u001b[2Jb\u009b31mc\u0007\r\n')).toBe('a\\u{1b}[2Jb\\u{9b}31mc\\u{7}\\u{d}\n');
    expect(terminalSafe('x\ny', false)).toBe('x\\u{a}y');
    expect(terminalSafe('plain — ünïcode ✓')).toBe('plain — ünïcode ✓');
  });

  it('a spec name with an escape sequence is refused; a path with one is printed escaped', () => {
    const err = specError(() => parseClusterSpec({ ...spec({}), name: 'x\u001b[2J' }, 'c.json'));
    expect(err.field).toBe('c.json: $.name');
    expect(err.message).toMatch(/without control characters/);
    let written = '';
    const write = (c: string): boolean => {
      written += c;
      return true;
    };
    const stream = { isTTY: false, write } as unknown as NodeJS.WriteStream;
    reportError(new SpecError('evil\u001b[2J.json', 'evil\u001b]0;pwned\u0007', 'cannot be read.'), stream);
    expect(written.includes('\u001b')).toBe(false);
    expect(written).toMatch(/evil\\u\{1b\}\[2J\.json/);
  });
});

describe('argument hygiene', () => {
  const options = { cluster: { type: 'string' }, steps: { type: 'string' }, quick: { type: 'boolean' } } as const;
  const usage = (argv: string[]): UsageError => {
    try {
      parseCommandArgs('run', argv, options);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return err as UsageError;
    }
    throw new Error('expected a UsageError');
  };

  it('a repeated flag is an error naming the flag and both values', () => {
    const err = usage(['--cluster', 'A', '--quick', '--cluster=B']);
    expect(err.field).toBe('--cluster');
    expect(err.message).toMatch(/got \["A","B"\]; is given more than once; give it once/);
    expect(usage(['--quick', '--quick']).field).toBe('--quick');
    expect(parseCommandArgs('run', ['--cluster', 'A', '--steps', '3'], options).values['cluster']).toBe('A');
  });

  it('a flag error echoes the flag value only, never the whole command line', () => {
    const missing = usage(['--cluster', 'colossus-1', '--steps']);
    expect(missing.field).toBe('--steps');
    expect(missing.message).not.toMatch(/colossus-1/);
    expect(missing.message).toMatch(/^--steps: missing;/);
    const unknown = usage(['--cluster', 'colossus-1', '--stpes', '3']);
    expect(unknown.field).toBe('--stpes');
    expect(unknown.message).not.toMatch(/colossus-1/);
  });
});

describe('an infeasible global batch names the input that set it and a fix that works', () => {
  it('--global-batch too large: the message names --global-batch and the largest batch, which then runs', async () => {
    const args = ['--cluster', 'lab-a100-h100', '--workload', '8b', '--steps', '5'];
    const r = await runCli(simulateCommand, [...args, '--global-batch', '100000']);
    expect(r.code).toBe(2);
    expect((r.error as UsageError).field).toBe('--global-batch');
    const largest = /lower it to at most ([\d,]+)/.exec(String(r.error))?.[1]?.replace(/,/g, '');
    expect(largest, String(r.error)).toBeDefined();
    expect((await runCli(simulateCommand, [...args, '--global-batch', String(largest)])).code).toBe(0);
    expect((await runCli(simulateCommand, [...args, '--global-batch', String(Number(largest) + 1)])).code).toBe(2);
  });

  it("without --global-batch it names the workload's globalBatch; a GPU that holds no sequence says no batch fits", async () => {
    const r = await runCli(simulateCommand, ['--cluster', 'lab-a100-h100', '--workload', '70b', '--steps', '5']);
    expect(r.code).toBe(2);
    expect((r.error as UsageError).field).toBe('70b: $.globalBatch');
    expect(String(r.error)).toMatch(/no global batch fits: the a100-sxm-80gb cannot hold one sequence/);
    expect(String(r.error)).not.toMatch(/heterogeneity-aware policy/);
  });
});
