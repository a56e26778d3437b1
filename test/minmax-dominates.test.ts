import { describe, expect, it } from 'vitest';
import { loadCluster } from '../src/cluster/load.js';
import { buildClusterModel } from '../src/model/cluster-model.js';
import type { ClusterModel } from '../src/model/types.js';
import { getPolicy, policyNames } from '../src/policy/index.js';
import { fixedDraws } from '../src/sim/draws.js';
import { tailFactor } from '../src/sim/order-stats.js';
import { simulate } from '../src/sim/simulate.js';
import { runStatic } from '../src/sim/static-run.js';
import { loadWorkload } from '../src/workload/load.js';
import { colossusLike, makeModel } from './helpers/sim-model.js';

function preset(c: string, w: string): ClusterModel {
  const { cluster, gpus } = loadCluster(c);
  return buildClusterModel(cluster, loadWorkload(w), { gpus });
}

const models: [string, ClusterModel][] = [
  ['colossus-like', colossusLike(220_000)],
  ['colossus-1 / 70b', preset('colossus-1', '70b')],
  ['lab-a100-h100 / 8b', preset('lab-a100-h100', '8b')],
  ['lab-v100-a100-h100 / 8b', preset('lab-v100-a100-h100', '8b')],
];
// islands is a different job structure (separate replicas), so it is not a synchronous rival.
const synchronous = policyNames.filter((p) => p !== 'islands');

describe.each(models)('minmax is never worse than any synchronous policy under the model: %s', (_l, model) => {
  it.each([0, 0.03])('jitter CV %s', (cv) => {
    const tails = model.classes.map((c) => tailFactor(c.count, { kind: 'lognormal', cv }));
    const expected = (name: string): number =>
      runStatic(model, getPolicy(name).allocate({ model, seed: 1, classTailFactors: tails }), fixedDraws(tails)).figures
        .stepS;
    const best = expected('minmax');
    for (const p of synchronous) expect(best).toBeLessThanOrEqual(expected(p) * (1 + 1e-12));
  });
});

describe('lockstep equals minmax on a homogeneous cluster', () => {
  it.each([
    ['homogeneous-h100 / 70b', preset('homogeneous-h100', '70b')],
    [
      'homogeneous, batch not divisible',
      makeModel([{ id: 'h', count: 96, a: 0.05, c: 1, cap: 8 }], { globalBatch: 500, allReduceS: 0.2 }),
    ],
  ])('%s', (_l, model) => {
    const r = simulate(model, { policies: ['lockstep', 'minmax'], steps: 50, seed: 3, jitterCv: 0.02 });
    const [lock, mm] = r.policies;
    expect(mm?.perGpuBatch).toEqual(lock?.perGpuBatch);
    expect(mm?.figures.stepS).toBeCloseTo(lock?.figures.stepS ?? NaN, 12);
    expect(mm?.figures.speedup).toBeCloseTo(1, 12);
  });
});
