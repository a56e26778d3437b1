import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyNames } from '../../src/policy/index.js';
import { hetbench } from '../helpers/spawn-cli.js';

/**
 * `hetbench plan` and `simulate` with a hybrid-parallel layout, as a user runs them. 220,000
 * H100 at tp 8 x pp 4 make 6,875 replicas: a global batch of 55,000 is 8 sequences each.
 */
const base = ['--cluster', 'homogeneous-h100', '--workload', 'llama3-70b'];
const batch = ['--global-batch', '55000'];
const plan = (...args: string[]) => hetbench(['plan', ...base, ...args]);
const dir = mkdtempSync(join(tmpdir(), 'hetbench-hybrid-'));
const file = (name: string, value: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
};

interface PlanJson {
  readonly step: { readonly seconds: number; readonly tflopsPerGpu: number; readonly mfu: number };
  readonly plan: {
    readonly step: { readonly seconds: number };
    readonly groups: readonly {
      readonly replicas: number;
      readonly stages: readonly {
        readonly layers: number;
        readonly computeS: number;
        readonly commS: number;
        readonly bubbleS: number;
        readonly memoryGB: { readonly total: number };
      }[];
    }[];
  };
}

describe('hetbench plan with a hybrid layout', () => {
  it('--json has the step at the top level and every stage of the group', () => {
    const r = plan('--tp', '8', '--pp', '4', ...batch, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as PlanJson;
    expect(out.step.seconds).toBeGreaterThan(0);
    expect(out.step.tflopsPerGpu).toBeGreaterThan(0);
    expect(out.step.mfu).toBeGreaterThan(0);
    expect(out.step.mfu).toBeLessThan(1);
    expect(out.step.seconds).toBe(out.plan.step.seconds);
    const g = out.plan.groups[0];
    expect(g?.replicas).toBe(6875);
    expect(g?.stages).toHaveLength(4);
    expect(g?.stages.map((s) => s.layers)).toEqual([20, 20, 20, 20]);
    for (const s of g?.stages ?? []) {
      expect(s.computeS).toBeGreaterThan(0);
      expect(s.commS).toBeGreaterThan(0); // tp 8
      expect(s.bubbleS).toBeGreaterThan(0); // pp 4, 8 micro-batches
      expect(s.memoryGB.total).toBeGreaterThan(0);
    }
  });

  it('the terminal view shows the waterfall rows and the step', () => {
    const r = plan('--tp', '8', '--pp', '4', ...batch);
    expect(r.status).toBe(0);
    for (const row of ['compute', 'pipeline bubble', 'TP/CP comm', 'PP p2p', 'exposed DP sync', 'optimizer'])
      expect(r.stdout).toMatch(new RegExp(`^${row.replace('/', '\\/')}\\s+[\\d.]+\\s+[\\d.]+%`, 'm'));
    expect(r.stdout).toMatch(/^step\s+[\d.]+\s+100%/m);
    expect(r.stdout).toMatch(/tp 8 x pp 4 x cp 1 x dp 6875/);
  });

  it.each([
    [['--tp', '16', '--pp', '4', ...batch], '--tp', /scale-up domain of 8 GPUs: use one of 1, 2, 4, 8/],
    [['--tp', '8', '--pp', '4', '--micro-batch', '3', ...batch], '--micro-batch', /must divide each replica's 8/],
    [
      ['--tp', '8', '--pp', '4', '--interleave', '2', '--schedule', '1f1b', ...batch],
      '--interleave',
      /--schedule interleaved/,
    ],
    [['--tp', '8', '--pp', '4', '--schedule', 'interleaved', ...batch], '--interleave', /at least 2/],
    [['--tp', '8', '--pp', '4', '--global-batch', '0'], '--global-batch', /must be an integer from 1/],
    [['--tp', '8', '--pp', '100', ...batch], '--pp', /at most 80/],
    [['--tp', '8', '--pp', '4', '--overlap', '0.5', ...batch], '--overlap', /derives the DP overlap/],
  ])('bad layout %j exits 2 naming %s', (args, flag, fix) => {
    const r = plan(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`error: ${flag}: `));
    expect(r.stderr).toMatch(fix);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('a batch below the replica count is modelled, with the idle replicas and the fix on stderr', () => {
    const r = plan('--tp', '8', '--pp', '4', '--global-batch', '1000', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /gives 1,000 of the layout's 6,875 data-parallel replicas one sequence each; 5,875 replicas idle/,
    );
    expect(r.stderr).toMatch(/raise --global-batch to at least 6,875/);
    const full = JSON.parse(plan('--tp', '8', '--pp', '4', ...batch, '--json').stdout) as PlanJson;
    const few = JSON.parse(r.stdout) as PlanJson;
    expect(few.step.mfu).toBeLessThan(full.step.mfu);
  });
});

describe('hetbench plan --layout FILE', () => {
  const flags = ['--tp', '8', '--pp', '4', '--interleave', '2', '--zero', '2', '--sequence-parallel'];
  const equivalent = {
    layouts: [{ tp: 8, pp: 4, schedule: 'interleaved', interleave: 2, zero: 2, sequenceParallel: true }],
  };

  it('gives the same step as the equivalent flags', () => {
    const fromFile = plan('--layout', file('layout.json', equivalent), ...batch, '--json');
    const fromFlags = plan(...flags, ...batch, '--json');
    expect(fromFile.stderr).toBe('');
    expect(fromFile.status).toBe(0);
    expect(fromFlags.status).toBe(0);
    const a = JSON.parse(fromFile.stdout) as PlanJson;
    const b = JSON.parse(fromFlags.stdout) as PlanJson;
    expect(a.step.seconds).toBe(b.step.seconds);
    expect(a.plan).toEqual(b.plan);
  });

  it('with a layout flag as well exits 2 naming the flag', () => {
    const r = plan('--layout', file('layout2.json', equivalent), '--tp', '8', ...batch);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error: --tp: .*cannot be combined with --layout/);
  });

  it.each([
    [{ layouts: [{ tp: 'eight' }] }, '$.layouts[0].tp'],
    [{ layouts: [{ tp: 8, pp: 4, zero: 5 }] }, '$.layouts[0].zero'],
    [{ layouts: [{ tp: 8, pp: 4, color: 'red' }] }, '$.layouts[0]'],
    [{ layouts: [{ tp: 16, pp: 4 }] }, '$.layouts[0].tp'],
    [{ layouts: [{ tp: 8, pp: 4, layersPerStage: [20, 20, 20, 21] }] }, '$.layouts[0].layersPerStage'],
    [{ layouts: [{ tp: 8, pp: 4, schedule: 'interleaved' }] }, '$.layouts[0].interleave'],
    [{ layouts: [{ tp: 8, pp: 4, schedule: '1f1b', interleave: 2 }] }, '$.layouts[0].interleave'],
  ])('a bad layout file %j exits 2 naming %s', (value, path) => {
    const r = plan('--layout', file(`bad-${path.length}-${JSON.stringify(value).length}.json`, value), ...batch);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(path);
  });

  it('a missing layout file exits 2 naming it', () => {
    const r = plan('--layout', join(dir, 'nope.json'), ...batch);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope\.json/);
  });
});

describe('hetbench simulate with a hybrid layout', () => {
  it('runs and prints every policy', () => {
    const r = hetbench(['simulate', ...base, '--tp', '8', '--pp', '4', ...batch, '--steps', '20']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const p of policyNames) expect(r.stdout).toMatch(new RegExp(`^${p}\\s+[\\d.]+\\s`, 'm'));
  });
});
