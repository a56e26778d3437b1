import { describe, expect, it } from 'vitest';
import { loadCluster } from '../src/cluster/load.js';
import { UsageError } from '../src/errors.js';
import { buildClusterModel } from '../src/model/cluster-model.js';
import type { ClusterModel } from '../src/model/types.js';
import {
  checkAllocation,
  fromUserPolicy,
  minmaxAllocation,
  type PolicyContext,
  policyNames,
  startPartition,
  userPolicyName,
  userPolicyProblems,
} from '../src/policy/index.js';
import { simulate } from '../src/sim/simulate.js';
import { loadWorkload } from '../src/workload/load.js';
import { makeModel } from './helpers/sim-model.js';

// Two classes: 4 slow GPUs (cap 8) and 2 fast ones (cap 20); global batch 24.
const model = makeModel(
  [
    { id: 'slow', count: 4, a: 0.1, c: 1, cap: 8 },
    { id: 'fast', count: 2, a: 0.1, c: 0.25, cap: 20 },
  ],
  { globalBatch: 24 },
);
const ctx: PolicyContext = { model, seed: 1 };
const source = { module: './mine.mjs' };
const valid = { name: 'mine', summary: 'a test policy', kind: 'static', allocate: () => [8, 16] };

function preset(c: string, w: string): ClusterModel {
  const { cluster, gpus } = loadCluster(c);
  return buildClusterModel(cluster, loadWorkload(w), { gpus });
}

/** The UsageError `f` throws (the test fails when it throws none, or another kind). */
function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('a user policy module shape', () => {
  it('a complete static policy has no problems', () => {
    expect(userPolicyProblems(valid, policyNames)).toEqual([]);
  });

  it.each([
    [{ ...valid, allocate: undefined }, ['policy.allocate is not a function (got undefined)']],
    [{ ...valid, kind: 'islands' }, ['policy.kind must be "static" or "adaptive" (got "islands")']],
    [
      { ...valid, kind: 'adaptive' },
      [
        'policy.start is not a function (got undefined): an adaptive policy needs start(ctx) returning ' +
          '{ allocation, observe(classTimesS) }',
      ],
    ],
    [{ ...valid, name: 'minmax' }, ['policy.name "minmax" is a built-in policy\'s name; give yours its own']],
    [
      { ...valid, name: 'My Policy' },
      [
        'policy.name "My Policy" is not a lower-case name of letters, digits and dashes starting with a letter, ' +
          'at most 48 characters (e.g. "capacity-greedy")',
      ],
    ],
    [{ ...valid, summary: '' }, ['policy.summary is not a non-empty string (got "")']],
    [null, ['policy is null, not an object with name, summary, kind and allocate']],
    [
      {},
      [
        'policy.name is not a string (got undefined)',
        'policy.summary is not a non-empty string (got undefined)',
        'policy.kind must be "static" or "adaptive" (got undefined)',
        'policy.allocate is not a function (got undefined)',
      ],
    ],
  ])('%j: every problem listed', (value, problems) => {
    expect(userPolicyProblems(value, policyNames)).toEqual(problems);
  });

  it('a getter that throws is a problem, not a crash', () => {
    const tricky = {
      ...valid,
      get allocate(): never {
        throw new Error('no');
      },
    };
    expect(userPolicyProblems(tricky, policyNames)).toEqual(['reading policy.allocate threw: no']);
  });

  it('fromUserPolicy refuses a bad shape with one UsageError on `policy` naming the module and listing all', () => {
    const err = usageError(() => fromUserPolicy({ ...valid, kind: 'x', allocate: 3 }, source, policyNames));
    expect(err.field).toBe('policy');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      'policy: got "./mine.mjs"; does not implement the policy interface (docs/policies.md, "Your own policy"): ' +
        'policy.kind must be "static" or "adaptive" (got "x"); policy.allocate is not a function (got 3).',
    );
  });

  it('user names: a slug that is no built-in', () => {
    expect(userPolicyName('capacity-greedy', policyNames)).toBe('capacity-greedy');
    expect(userPolicyName('lockstep', policyNames)).toBeNull();
    expect(userPolicyName('a.b', policyNames)).toBeNull();
    expect(userPolicyName('x'.repeat(49), policyNames)).toBeNull();
  });
});

describe('every allocation a user policy returns is checked', () => {
  const check = (value: unknown) => () => checkAllocation(model, value, 'mine', source, 'allocate(ctx)');
  const prefix = 'policy: got "./mine.mjs"; policy "mine" allocate(ctx) ';
  const suffix = ' (the contract: docs/policies.md).';

  it('a split that keeps the contract comes back as a copy', () => {
    const split = [8, 16];
    const out = checkAllocation(model, split, 'mine', source, 'allocate(ctx)');
    expect(out).toEqual([8, 16]);
    expect(out).not.toBe(split);
  });

  it.each([
    [[8, 15], 'returned [8, 15], which sums to 23, not the global batch 24'],
    [[NaN, 24], 'returned NaN at entry 0 (slow); every entry must be a whole number of sequences >= 0'],
    [[8.5, 15.5], 'returned 8.5 at entry 0 (slow); every entry must be a whole number of sequences >= 0'],
    [[-1, 25], 'returned -1 at entry 0 (slow); every entry must be a whole number of sequences >= 0'],
    [['8', 16], 'returned "8" at entry 0 (slow); every entry must be a whole number of sequences >= 0'],
    [[24], 'returned 1 entries for 2 classes (one per class, in order: slow, fast)'],
    [undefined, 'returned undefined, not an array of sequences per class'],
  ])('%j: %s', (value, why) => {
    expect(usageError(check(value)).message).toBe(prefix + why + suffix);
  });

  it('over a memory cap: the class, its per-GPU batch and the cap', () => {
    // The slow GPUs hold 2 each here: 9 sequences on 4 of them is 3 on the slowest.
    const tight = makeModel(
      [
        { id: 'slow', count: 4, a: 0.1, c: 1, cap: 2 },
        { id: 'fast', count: 2, a: 0.1, c: 0.25, cap: 20 },
      ],
      { globalBatch: 24 },
    );
    expect(usageError(() => checkAllocation(tight, [9, 15], 'mine', source, 'allocate(ctx)')).message).toBe(
      `${prefix}gives slow 9 sequences, 3 per GPU on its slowest of 4, over its memory cap of 2 per GPU${suffix}`,
    );
  });

  it('a static policy whose allocate breaks the contract fails when the runner starts it', () => {
    const policy = fromUserPolicy({ ...valid, allocate: () => [1, 2] }, source, policyNames);
    expect(usageError(() => startPartition(policy, ctx)).message).toBe(
      `${prefix}returned [1, 2], which sums to 3, not the global batch 24${suffix}`,
    );
  });

  it("the module's own exception becomes a UsageError naming the policy", () => {
    const policy = fromUserPolicy(
      {
        ...valid,
        allocate: () => {
          throw new Error('boom');
        },
      },
      source,
      policyNames,
    );
    expect(usageError(() => policy.allocate(ctx)).message).toBe(
      'policy: got "./mine.mjs"; policy "mine" threw in allocate(ctx): boom (the contract: docs/policies.md).',
    );
  });
});

describe('user policies in simulate', () => {
  it('runs beside the built-ins, in the order given, with figures from its own split', () => {
    const mine = fromUserPolicy({ ...valid, allocate: (c: PolicyContext) => minmaxAllocation(c.model) }, source, [
      ...policyNames,
    ]);
    const r = simulate(model, { policies: ['lockstep', mine, 'minmax'], steps: 50, seed: 3, jitterCv: 0 });
    expect(r.policies.map((p) => p.policy)).toEqual(['lockstep', 'mine', 'minmax']);
    // Same split as minmax (no tail factors at zero jitter): the same figures, on the same draws.
    expect(r.policies[1]?.figures).toEqual(r.policies[2]?.figures);
    expect(r.policies[1]?.figures.speedup).toBeGreaterThan(1);
  });

  it('an adaptive user policy observes every step and its changing splits are checked', () => {
    const seen: number[][] = [];
    const adaptive = fromUserPolicy(
      {
        name: 'drifts',
        summary: 'moves one sequence per step, then breaks the contract',
        kind: 'adaptive',
        start: () => {
          const split = [12, 12];
          return {
            get allocation() {
              return split;
            },
            observe(times: readonly number[]) {
              seen.push([...times]);
              // In place: the checker must see the change all the same.
              split[0] = (split[0] ?? 0) - 1;
              split[1] = (split[1] ?? 0) + (seen.length < 3 ? 1 : 2);
            },
          };
        },
      },
      source,
      policyNames,
    );
    const err = usageError(() => simulate(model, { policies: [adaptive], steps: 10, seed: 1, jitterCv: 0 }));
    expect(err.message).toBe(
      'policy: got "./mine.mjs"; policy "drifts" controller.allocation after step 3 returned [9, 16], ' +
        'which sums to 25, not the global batch 24 (the contract: docs/policies.md).',
    );
    expect(seen).toHaveLength(3);
    expect(seen[0]).toHaveLength(2);
  });

  it('the example module (examples/policies/capacity-greedy.mjs) finds minmax split on the presets', async () => {
    const { policy: example } = (await import('../examples/policies/capacity-greedy.mjs')) as { policy: unknown };
    const policy = fromUserPolicy(example, { module: './examples/policies/capacity-greedy.mjs' }, policyNames);
    expect(policy.name).toBe('capacity-greedy');
    for (const [c, w] of [
      ['lab-a100-h100', '8b'],
      ['lab-v100-a100-h100', '8b'],
      ['colossus-1', '70b'],
    ] as const) {
      const m = preset(c, w);
      const r = simulate(m, { policies: ['minmax', policy], steps: 20, seed: 1, jitterCv: 0.02 });
      const [mm, greedy] = r.policies;
      expect(greedy?.allocation.reduce((a, b) => a + b, 0)).toBe(m.globalBatch);
      expect(greedy?.expected.stepS).toBeCloseTo(mm?.expected.stepS ?? 0, 9);
      expect(greedy?.figures.speedup).toBeGreaterThan(1);
    }
  });
});
