import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../src/cluster/types.js';
import { DEFAULT_LAYOUT, type LayoutSpec } from '../src/model/layout.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { simulatePipeline } from '../src/sim/pipeline.js';
import { simulate } from '../src/sim/simulate.js';
import { EXTRAPOLATE_FROM, rankFinishS, stageModelOf, stageSlowdown } from '../src/sim/stage-jitter.js';
import { findCluster, findWorkload } from './helpers/presets.js';

/** Jitter per pipeline stage (sim/stage-jitter.ts) and simulate's hybrid path. */
const layout = (over: Partial<LayoutSpec>): LayoutSpec => ({ ...DEFAULT_LAYOUT, ...over });
const colossus = findCluster('colossus-1');
const w405 = findWorkload('llama3-405b');
const job405 = () => buildHybridJob(colossus, w405, [layout({ tp: 8, pp: 4 })], { globalBatch: 8192 });

describe('rankFinishS', () => {
  it('extends a long schedule linearly, exactly as the full timeline times it (uneven stages, p2p, interleaved)', () => {
    const cases = [
      { p: 4, v: 1, m: 64, forwardS: [1, 1.3, 0.9, 1.1], backwardS: [2, 2.4, 1.7, 2.5], p2pS: [0.1, 0.05, 0.2] },
      { p: 3, v: 1, m: 50, forwardS: [1, 1, 1], backwardS: [2, 2, 2], p2pS: [0, 0] },
      {
        p: 2,
        v: 2,
        m: 40,
        forwardS: [1, 0.8, 1.2, 0.9],
        backwardS: [2, 1.5, 2.2, 1.9],
        p2pS: [0.05, 0.1, 0.05],
      },
    ];
    for (const input of cases) {
      expect(input.m).toBeGreaterThan(EXTRAPOLATE_FROM * input.p);
      const full = simulatePipeline(input).deviceFinishS;
      const ext = rankFinishS(input);
      ext.forEach((f, i) => {
        expect(f).toBeCloseTo(full[i] ?? Number.NaN, 9);
      });
    }
  });
});

describe('stageSlowdown', () => {
  const schedule = () => stageModelOf(job405()).classes[0]?.at(2);
  it('is 1 at unit factors and k when every rank is k times slower (p2p aside)', () => {
    const s = schedule();
    if (!s) throw new Error('no schedule');
    expect(stageSlowdown(s, () => 1)).toBeCloseTo(1, 12);
    const k = stageSlowdown(s, () => 1.1);
    expect(k).toBeGreaterThan(1.09);
    expect(k).toBeLessThanOrEqual(1.1 + 1e-12);
  });

  it('one slow stage costs more than its share of the replica but no more than all stages slow', () => {
    const base = stageModelOf(
      buildHybridJob(colossus, w405, [layout({ tp: 8, pp: 4 })], { globalBatch: 65_536 }),
    ).classes[0]?.at(10);
    if (!base) throw new Error('no schedule');
    const one = stageSlowdown(base, (r) => (r === 2 ? 1.2 : 1));
    // a share of 1/p of the replica's GPUs would cost 5%; the steady state waits for the slow stage
    expect(one).toBeGreaterThan(1 + 0.2 / 4 + 0.02);
    expect(one).toBeLessThanOrEqual(stageSlowdown(base, () => 1.2) + 1e-12);
  });
});

/** Two generations, 16 + 8 replicas of tp 8 x pp 4, 16 sequences each at lockstep: m = 16 >> p. */
const small: ClusterSpec = {
  name: 'small-mixed',
  groups: [
    { gpu: 'h100-sxm', count: 512, scaleUpDomain: 8, scaleOutGBs: 50 },
    { gpu: 'h200-sxm', count: 256, scaleUpDomain: 8, scaleOutGBs: 50 },
  ],
};
const smallJob = () => buildHybridJob(small, w405, [layout({ tp: 8, pp: 4 })], { globalBatch: 384 });

describe('simulate with pipeline stages', () => {
  it('without jitter equals the per-class simulation exactly', () => {
    const job = smallJob();
    const opts = { policies: ['lockstep', 'minmax'] as const, steps: 20, seed: 3, jitterCv: 0 };
    const plain = simulate(job.model, opts);
    const staged = simulate(job.model, { ...opts, stages: stageModelOf(job) });
    expect(staged.policies.map((p) => p.figures.stepS)).toEqual(plain.policies.map((p) => p.figures.stepS));
    expect(staged.lockstepStepS).toBe(plain.lockstepStepS);
  });

  it('with jitter is seeded, differs from one draw per class, and in the steady state the slowest stage costs more', () => {
    const job = smallJob();
    const opts = { policies: ['lockstep'] as const, steps: 200, seed: 7, jitterCv: 0.05 };
    const stages = stageModelOf(job);
    const a = simulate(job.model, { ...opts, stages });
    const b = simulate(job.model, { ...opts, stages });
    expect(a.lockstepStepS).toBe(b.lockstepStepS);
    const plain = simulate(job.model, opts);
    expect(a.lockstepStepS).not.toBe(plain.lockstepStepS);
    // m = 16 micro-batches through p = 4 ranks: the steady state waits for the slowest of the p
    // ranks' slowest-of-n draws, above one draw per class (with m ~ p the ramp's sum would average them)
    expect(a.lockstepStepS).toBeGreaterThan(plain.lockstepStepS);
  });
});

describe('stage model of a job with a mixed-generation pipeline', () => {
  const mixedCluster: ClusterSpec = {
    name: 'mix',
    groups: [
      { gpu: 'h100-sxm', count: 64, scaleUpDomain: 8, scaleOutGBs: 50 },
      { gpu: 'gb200', count: 96, scaleUpDomain: 72, scaleOutGBs: 50 },
    ],
  };
  const { pp: _pp, schedule: _schedule, ...rest } = DEFAULT_LAYOUT;
  const job = () =>
    buildHybridJob(mixedCluster, findWorkload('llama3-70b'), [layout({ tp: 8, pp: 4 })], {
      globalBatch: 64,
      mixed: [
        {
          ...rest,
          tp: 8,
          stages: [
            { gpu: 'h100-sxm', count: 2 },
            { gpu: 'gb200', count: 2 },
          ],
        },
      ],
    });

  it('covers every replica class, the mixed pipeline with its four ranks, and without jitter changes nothing', () => {
    const j = job();
    const stages = stageModelOf(j);
    expect(stages.classes).toHaveLength(j.model.classes.length);
    expect(stages.classes[stages.classes.length - 1]?.ranks).toBe(4);
    const opts = { policies: ['lockstep', 'minmax'] as const, steps: 10, seed: 2, jitterCv: 0 };
    const plain = simulate(j.model, opts);
    const staged = simulate(j.model, { ...opts, stages });
    expect(staged.policies.map((p) => p.figures.stepS)).toEqual(plain.policies.map((p) => p.figures.stepS));
  });
});
