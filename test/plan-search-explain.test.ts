import { describe, expect, it } from 'vitest';
import { explain } from '../src/cli/plan-search.js';
import type { PlanLayout, SearchPlan } from '../src/sim/search/exact.js';

/* What `plan --search` says its best plan's speedup over lockstep comes from, or why there is none. */
const layout = (gpu: string, microBatchesPerReplica: number, sequences: number, pp = 16): PlanLayout => ({
  gpu,
  tp: 8,
  pp,
  cp: 4,
  microBatch: 1,
  replicas: 100,
  microBatchesPerReplica,
  sequences,
  interleave: 1,
  zero: 2,
  recompute: 'none',
  sequenceParallel: true,
  unusedGpus: 0,
});
const plan = (policy: SearchPlan['policy'], seconds: number, layouts: PlanLayout[], speedup = 1): SearchPlan => ({
  policy,
  layouts,
  step: { seconds, mfu: 0.1, tflopsPerGpu: 100 },
  speedupOverLockstep: speedup,
  fits: true,
});

describe('the search explains its answer', () => {
  it('when lockstep is best at a small batch, it names the micro-batches per replica and the fix', () => {
    const lock = plan('lockstep', 1.64, [layout('h100-sxm', 2, 200), layout('gb200', 1, 100)]);
    const text = explain(lock, lock, null);
    expect(text).toMatch(/lockstep one/);
    expect(text).toContain('h100-sxm 2, gb200 1 micro-batches per step');
    expect(text).toMatch(/batch granularity.*--global-batch/);
  });

  it('when many micro-batches still leave lockstep best, it does not blame granularity', () => {
    const lock = plan('lockstep', 4, [layout('h100-sxm', 40, 4000), layout('gb200', 40, 4000)]);
    expect(explain(lock, lock, null)).not.toMatch(/granularity/);
  });

  it('a faster plan is split into what the layouts give and what the split gives', () => {
    const lock = plan('lockstep', 4.98, [layout('h100-sxm', 42, 600, 18), layout('gb200', 21, 100)]);
    const best = plan('minmax', 4.38, [layout('h100-sxm', 34, 550), layout('gb200', 2, 150)], 4.98 / 4.38);
    const text = explain(best, lock, 10.7);
    expect(text).toMatch(/Best plan \(minmax\) is 1\.14x/);
    expect(text).toMatch(/layouts \(replica shaping, bubble\) give 0\.465x .* split over generations 2\.44x/);
  });
});
