import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../src/cluster/types.js';
import { DEFAULT_LAYOUT, type LayoutSpec, type RecomputeMode, type ZeroStage } from '../src/model/layout.js';
import { workersOf } from '../src/model/types.js';
import { decomposeHybridLoss, fluidStepS, type HybridLossDecomposition } from '../src/sim/decompose-hybrid.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { simulate } from '../src/sim/simulate.js';
import { createRng } from '../src/stats/rng.js';
import { findWorkload } from './helpers/presets.js';

/** The 3D loss decomposition (sim/decompose-hybrid.ts): exact sums, zero parts, signs and orderings. */
const w8 = findWorkload('llama3-8b');
const w70 = findWorkload('llama3-70b');
const PARTS = [
  'generationMix',
  'pipelineBubble',
  'tpCommunication',
  'ppCommunication',
  'dpSync',
  'jitter',
  'memoryLimits',
  'batchGranularity',
  'unusedGpus',
] as const;
const sum = (d: HybridLossDecomposition): number => PARTS.reduce((a, k) => a + d[k], 0);
const layout = (over: Partial<LayoutSpec>): LayoutSpec => ({ ...DEFAULT_LAYOUT, ...over });
const GENERATIONS = [
  { gpu: 'h100-sxm', scaleUpDomain: 8 },
  { gpu: 'h200-sxm', scaleUpDomain: 8 },
  { gpu: 'gb200', scaleUpDomain: 72 },
  { gpu: 'a100-sxm-80gb', scaleUpDomain: 8 },
];

/** A random cluster of 1-3 generations, a random layout, and a global batch the layout divides. */
function randomCase(seed: number) {
  const r = createRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r.uniform() * xs.length)] as T;
  const k = 1 + Math.floor(r.uniform() * 3);
  const gens = [...GENERATIONS].sort(() => r.uniform() - 0.5).slice(0, k);
  const tp = pick([1, 2, 4, 8]);
  const pp = pick([1, 2, 4]);
  const cp = 1;
  const size = tp * pp * cp;
  const cluster: ClusterSpec = {
    name: `random-${seed}`,
    groups: gens.map((g) => ({
      ...g,
      // whole replicas plus, half the time, a few GPUs no replica can use
      count: size * (1 + Math.floor(r.uniform() * 6)) + (r.uniform() < 0.5 ? Math.floor(r.uniform() * size) : 0),
      scaleOutGBs: pick([25, 50]),
    })),
  };
  const microBatch = pick([1, 2]);
  const l = layout({
    tp,
    pp,
    cp,
    microBatch,
    zero: pick([0, 1, 2, 3] as ZeroStage[]),
    recompute: pick(['none', 'selective', 'full'] as RecomputeMode[]),
  });
  const replicas = cluster.groups.reduce((a, g) => a + Math.floor(g.count / size), 0);
  const per = microBatch * (1 + Math.floor(r.uniform() * 4));
  // ceil(B / R) = per, with a remainder half the time (some replicas run fewer)
  const globalBatch = replicas * per - (r.uniform() < 0.5 ? Math.floor(r.uniform() * replicas) : 0);
  return { cluster, l, globalBatch, w: pick([w8, w70]) };
}

const cluster1 = (gpu: string, count: number, domain = 8): ClusterSpec => ({
  name: gpu,
  groups: [{ gpu, count, scaleUpDomain: domain, scaleOutGBs: 50 }],
});
const mixedCluster: ClusterSpec = {
  name: 'mix',
  groups: [
    { gpu: 'h100-sxm', count: 128, scaleUpDomain: 8, scaleOutGBs: 50 },
    { gpu: 'gb200', count: 176, scaleUpDomain: 72, scaleOutGBs: 50 },
  ],
};

describe('the parts add up to the total', () => {
  it.each(Array.from({ length: 30 }, (_, i) => i))(
    'random layout and cluster %i (and every part but jitter >= 0)',
    (seed) => {
      const { cluster, l, globalBatch, w } = randomCase(7000 + seed);
      const job = buildHybridJob(cluster, w, [l], { globalBatch });
      const sim = simulate(job.model, { policies: ['lockstep'], steps: 30, seed, jitterCv: 0.03, hybrid: job });
      const d = sim.hybridDecomposition as HybridLossDecomposition;
      expect(Math.abs(sum(d) - d.total)).toBeLessThan(1e-9);
      expect(d.total).toBeGreaterThan(0);
      expect(d.total).toBeLessThan(1);
      for (const k of PARTS) if (k !== 'jitter') expect(d[k]).toBeGreaterThanOrEqual(-1e-12);
      // the total is against lockstep's simulated step, and the ideal is every GPU computing
      expect(d.steps.A).toBe(sim.lockstepStepS);
      expect(d.steps.ideal).toBeGreaterThan(0);
    },
  );

  it('on a mixed-generation pipeline beside a group layout too', () => {
    const job = buildHybridJob(mixedCluster, w70, [layout({ tp: 8, pp: 4 })], {
      globalBatch: 96,
      mixed: [
        {
          ...layout({ tp: 8 }),
          stages: [
            { gpu: 'h100-sxm', count: 2 },
            { gpu: 'gb200', count: 2 },
          ],
        },
      ],
    });
    const d = decomposeHybridLoss(job);
    expect(Math.abs(sum(d) - d.total)).toBeLessThan(1e-9);
    // 8 mixed replicas take every H100 and 128 GB200; 48 GB200 make 1 replica of 32 and 16 idle
    expect(job.model.classes.map((c) => c.count)).toEqual([1, 8]);
    expect(d.generationMix).toBeGreaterThan(0);
    expect(d.unusedGpus).toBeGreaterThan(0);
    expect(d.jitter).toBe(0);
  });
});

describe('a part is zero when its cause is absent', () => {
  it('one generation: no generation mix; every GPU in a replica: no unused GPUs', () => {
    const job = buildHybridJob(cluster1('h100-sxm', 256), w70, [layout({ tp: 8, pp: 4 })], { globalBatch: 64 });
    const d = decomposeHybridLoss(job);
    expect(d.generationMix).toBe(0);
    expect(d.unusedGpus).toBe(0);
    // and with 8 spare GPUs, the unused part is there
    const spare = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 264), w70, [layout({ tp: 8, pp: 4 })], { globalBatch: 64 }),
    );
    expect(spare.unusedGpus).toBeGreaterThan(0);
  });

  it('pp 1: no bubble and no PP communication; pp 4: both', () => {
    const flat = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 8 })], { globalBatch: 64 }),
    );
    expect(flat.pipelineBubble).toBe(0);
    expect(flat.ppCommunication).toBe(0);
    const deep = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 2, pp: 4 })], { globalBatch: 64 }),
    );
    expect(deep.pipelineBubble).toBeGreaterThan(0);
    expect(deep.ppCommunication).toBeGreaterThan(0);
  });

  it('tp 1 (and cp 1): no TP communication; tp 8: some', () => {
    const d1 = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ pp: 2 })], { globalBatch: 64 }),
    );
    expect(d1.tpCommunication).toBe(0);
    const d8 = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 8 })], { globalBatch: 64 }),
    );
    expect(d8.tpCommunication).toBeGreaterThan(0);
  });

  it('no recomputation: no memory-limit part; full recomputation costs about a third of the compute', () => {
    const none = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 8, recompute: 'none' })], { globalBatch: 64 }),
    );
    expect(none.memoryLimits).toBe(0);
    const full = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 8, recompute: 'full' })], { globalBatch: 64 }),
    );
    // a forward is about a third of forward + backward: recomputing it is 20-30% of the step
    expect(full.memoryLimits).toBeGreaterThan(0.15);
    expect(full.memoryLimits).toBeLessThan(0.35);
  });

  it('one replica: no DP sync; no jitter without a step to compare', () => {
    const d = decomposeHybridLoss(
      buildHybridJob(cluster1('h100-sxm', 32), w8, [layout({ tp: 8, pp: 4 })], { globalBatch: 8 }),
    );
    expect(d.dpSync).toBe(0);
    expect(d.jitter).toBe(0);
  });

  it('a divisible batch: no batch granularity (to rounding); a remainder: some', () => {
    const job = (b: number) => buildHybridJob(cluster1('h100-sxm', 64), w8, [layout({ tp: 8 })], { globalBatch: b });
    expect(workersOf(job(64).model)).toBe(8);
    expect(Math.abs(decomposeHybridLoss(job(64)).batchGranularity)).toBeLessThan(1e-12);
    expect(decomposeHybridLoss(job(57)).batchGranularity).toBeGreaterThan(0.05);
  });
});

describe('signs and orderings', () => {
  it('the counterfactual steps never grow toward the ideal (B >= C >= ... >= ideal)', () => {
    const d = decomposeHybridLoss(
      buildHybridJob(mixedCluster, w70, [layout({ tp: 8, pp: 8, recompute: 'selective', zero: 3 })], {
        globalBatch: 68,
      }),
    );
    const s = d.steps;
    const chain = [s.B, s.C, s.D, s.E, s.F, s.G, s.H, s.I, s.ideal];
    for (let i = 1; i < chain.length; i++) expect(chain[i]).toBeLessThanOrEqual((chain[i - 1] ?? 0) + 1e-15);
  });

  it('more micro-batches per replica shrink the bubble share; deeper pipelines grow it', () => {
    const bubble = (pp: number, batch: number) =>
      decomposeHybridLoss(
        buildHybridJob(cluster1('h100-sxm', 256), w70, [layout({ tp: 8, pp })], { globalBatch: batch }),
      ).pipelineBubble;
    expect(bubble(8, 256)).toBeLessThan(bubble(8, 32));
    expect(bubble(8, 32)).toBeGreaterThan(bubble(2, 32));
  });

  it('a faster generation beside a slower one under lockstep: the mix grows with the speed gap', () => {
    const pair = (slow: string) =>
      decomposeHybridLoss(
        buildHybridJob(
          {
            name: 'pair',
            groups: [
              { gpu: 'h100-sxm', count: 64, scaleUpDomain: 8, scaleOutGBs: 50 },
              { gpu: slow, count: 64, scaleUpDomain: 8, scaleOutGBs: 50 },
            ],
          },
          w8,
          [layout({ tp: 8 })],
          { globalBatch: 64 },
        ),
      ).generationMix;
    expect(pair('a100-sxm-80gb')).toBeGreaterThan(pair('h200-sxm'));
    expect(pair('h200-sxm')).toBeGreaterThan(0);
  });

  it('fluidStepS: water-filling leaves a class out when its fixed time exceeds the others finish', () => {
    // one class alone: o + a W / n
    expect(fluidStepS([{ n: 2, perSequenceS: 1, fixedS: 0.5 }], 4)).toBe(2.5);
    // two equal classes share; a class with a huge fixed cost takes nothing
    expect(
      fluidStepS(
        [
          { n: 1, perSequenceS: 1, fixedS: 0 },
          { n: 1, perSequenceS: 1, fixedS: 0 },
        ],
        4,
      ),
    ).toBe(2);
    expect(
      fluidStepS(
        [
          { n: 1, perSequenceS: 1, fixedS: 0 },
          { n: 1, perSequenceS: 1, fixedS: 100 },
        ],
        4,
      ),
    ).toBe(4);
  });
});
