import { describe, expect, it } from 'vitest';
import { loadCluster } from '../src/cluster/load.js';
import { UsageError } from '../src/errors.js';
import { buildClusterModel } from '../src/model/cluster-model.js';
import type { ClusterModel } from '../src/model/types.js';
import { createAdaptive, getPolicy, policyNames } from '../src/policy/index.js';
import { loadWorkload } from '../src/workload/load.js';
import { colossusLike, makeModel } from './helpers/sim-model.js';

function preset(c: string, w: string, globalBatch?: number): ClusterModel {
  const { cluster, gpus } = loadCluster(c);
  return buildClusterModel(cluster, loadWorkload(w), { gpus, ...(globalBatch === undefined ? {} : { globalBatch }) });
}

const models: [string, ClusterModel][] = [
  ['colossus-like 220k', colossusLike(220_000)],
  // The real cost model with gradient accumulation: per-step caps far above the micro-batch caps.
  ['colossus-1 / 70b (accumulation)', preset('colossus-1', '70b')],
  ['colossus-1 / 405b, batch not divisible', preset('colossus-1', '405b', 3_520_001)],
  ['lab-v100-a100-h100 / 8b (V100 micro-batch cap 3)', preset('lab-v100-a100-h100', '8b')],
  [
    'colossus-like, batch not divisible',
    makeModel(
      colossusLike(2_200).classes.map((c) => ({
        id: c.gpu.id,
        count: c.count,
        a: c.fixedS,
        c: c.perSequenceS,
        cap: c.memoryCapSequences,
        peakTflops: c.peakFlops / 1e12,
      })),
      { globalBatch: 7_777 },
    ),
  ],
  [
    'tight caps on the fast class',
    makeModel(
      [
        { id: 'slow', count: 6, a: 0.1, c: 1, cap: 4 },
        { id: 'fast', count: 2, a: 0.1, c: 0.25, cap: 5 },
      ],
      { globalBatch: 30 },
    ),
  ],
  [
    'three classes, small batch',
    makeModel(
      [
        { id: 'v', count: 4, a: 0.2, c: 2, cap: 3 },
        { id: 'a', count: 4, a: 0.1, c: 1, cap: 6 },
        { id: 'h', count: 4, a: 0.05, c: 0.4, cap: 9 },
      ],
      { globalBatch: 13 },
    ),
  ],
];

describe.each(models)('policy invariants on %s', (_label, model) => {
  it.each(policyNames)(
    '%s: non-negative integers summing to the global batch, every GPU within its memory cap',
    (name) => {
      const alloc = getPolicy(name).allocate({ model, seed: 1 });
      expect(alloc).toHaveLength(model.classes.length);
      expect(alloc.reduce((a, b) => a + b, 0)).toBe(model.globalBatch);
      alloc.forEach((s, i) => {
        const c = model.classes[i];
        expect(Number.isInteger(s) && s >= 0).toBe(true);
        expect(Math.ceil(s / (c?.count ?? 1))).toBeLessThanOrEqual(c?.memoryCapSequences ?? 0);
      });
    },
  );

  it('adaptive keeps the invariants while it rebalances from noisy observations', () => {
    const ctl = createAdaptive({ model, seed: 1 });
    for (let step = 0; step < 10; step++) {
      const alloc = ctl.allocation;
      expect(alloc.reduce((a, b) => a + b, 0)).toBe(model.globalBatch);
      for (const [i, s] of alloc.entries()) {
        expect(Math.ceil(s / (model.classes[i]?.count ?? 1))).toBeLessThanOrEqual(
          model.classes[i]?.memoryCapSequences ?? 0,
        );
      }
      ctl.observe(
        model.classes.map((c, i) =>
          (alloc[i] ?? 0) > 0 ? c.timeS(Math.ceil((alloc[i] ?? 0) / c.count)) * (1 + 0.05 * Math.sin(step + i)) : 0,
        ),
      );
    }
  });
});

describe('unknown and infeasible', () => {
  it('getPolicy names every policy for an unknown one', () => {
    expect(() => getPolicy('fastest')).toThrow(UsageError);
    expect(() => getPolicy('fastest')).toThrow(
      /lockstep, proportional-spec, proportional-measured, minmax, adaptive, islands/,
    );
  });

  it.each(policyNames)('%s throws a UsageError when the batch cannot fit in memory', (name) => {
    const model = makeModel([{ id: 'x', count: 2, a: 0, c: 1, cap: 3 }], { globalBatch: 7 });
    expect(() => getPolicy(name).allocate({ model, seed: 1 })).toThrow(UsageError);
  });
});
