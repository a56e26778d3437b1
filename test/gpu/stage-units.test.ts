import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUnit } from '../../src/bench/local-unit.js';
import { measuredRun } from '../../src/bench/measured-run.js';
import { destroyStageUnits, prepareStageUnits, type StageUnits } from '../../src/bench/stage-units.js';
import { UnitExecutor } from '../../src/bench/unit-executor.js';
import type { ClusterSpec } from '../../src/cluster/types.js';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { naiveKernel } from '../../src/kernels/naive.js';
import { DEFAULT_LAYOUT } from '../../src/model/layout.js';
import { buildHybridJob } from '../../src/sim/hybrid-model.js';
import { stageModelOf } from '../../src/sim/stage-jitter.js';
import { median } from '../../src/stats/quantiles.js';
import { loadWorkload } from '../../src/workload/load.js';

/**
 * Stage units on the real adapter: each (class, stage) micro-batch's forward and backward run as
 * the local unit's forward and backward GEMMs, sized by dilation, and composed by the schedule.
 */
const cluster: ClusterSpec = {
  name: 'small-mixed',
  groups: [
    { gpu: 'h100-sxm', count: 64, scaleUpDomain: 8, scaleOutGBs: 50 },
    { gpu: 'gb200', count: 64, scaleUpDomain: 72, scaleOutGBs: 50 },
  ],
};
const workload = loadWorkload('8b');
const job = buildHybridJob(cluster, workload, [{ ...DEFAULT_LAYOUT, tp: 4, pp: 2 }], { globalBatch: 64 });
let gpu: Gpu;
let executor: UnitExecutor;
let units: StageUnits;

beforeAll(async () => {
  gpu = await openGpu();
  const unit = localUnit(workload, 16);
  executor = await UnitExecutor.create(gpu, unit, async () => naiveKernel);
  units = await prepareStageUnits(gpu, unit, stageModelOf(job), async () => naiveKernel);
});
afterAll(() => {
  executor?.destroy();
  if (units) destroyStageUnits(units);
  if (gpu) closeGpu(gpu);
});

describe('stage units', () => {
  it('split the unit: the backward GEMMs (dgrad + wgrad) take longer per unit than the forward ones', () => {
    expect(units.forward.unit.gemms.every((g) => !/grad|recompute/.test(g.name))).toBe(true);
    expect(units.backward.unit.gemms.every((g) => /dgrad|wgrad|recompute/.test(g.name))).toBe(true);
    expect(units.backwardUnitS).toBeGreaterThan(units.forwardUnitS);
  });

  it('a measured run on stages reports each class and stage, backward slower than forward as modelled', async () => {
    const r = await measuredRun(gpu, executor, {
      model: job.model,
      policies: ['lockstep', 'minmax'],
      steps: 4,
      seed: 1,
      stepBudgetS: 0.005,
      minRefUnits: 4,
      jitter: { cv: 0.02 },
      pilotSteps: 2,
      ciResamples: 50,
      stageUnits: units,
    });
    expect(r.failure).toBeNull();
    expect(r.calibration.fit.shape).toBe('raw');
    const forward: number[] = [];
    const backward: number[] = [];
    for (const p of r.policies) {
      const stages = p.measured.stages ?? [];
      expect(stages).toHaveLength(2);
      for (const cls of stages) {
        expect(cls).toHaveLength(2);
        for (const s of cls) {
          expect(s.forwardS).toHaveLength(4);
          // measured in cluster seconds: within a factor of 3 of the model (dilation keeps them proportional)
          const f = median(s.forwardS);
          const b = median(s.backwardS);
          expect(f / s.modelForwardS).toBeGreaterThan(1 / 3);
          expect(f / s.modelForwardS).toBeLessThan(3);
          expect(b / s.modelBackwardS).toBeGreaterThan(1 / 3);
          expect(b / s.modelBackwardS).toBeLessThan(3);
          forward.push(...s.forwardS);
          backward.push(...s.backwardS);
        }
      }
    }
    // the model's backward is about twice its forward; pooled over every pass, so did the GPU's
    expect(median(backward)).toBeGreaterThan(median(forward));
  });
});
