import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../src/cluster/types.js';
import { SpecError } from '../src/errors.js';
import { DEFAULT_LAYOUT, type LayoutSpec } from '../src/model/layout.js';
import { balanceStageLayers, type MixedLayoutSpec } from '../src/model/mixed-stages.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { summarizeHybridPlan } from '../src/sim/hybrid-plan.js';
import { simulate } from '../src/sim/simulate.js';
import { createRng } from '../src/stats/rng.js';
import { findWorkload } from './helpers/presets.js';

/** Mixed-generation pipelines: the layer balancer (model/mixed-stages.ts) and the mixed replica class (sim/mixed-class.ts). */
const w70 = findWorkload('llama3-70b');
const cluster = (h100: number, gb200: number): ClusterSpec => ({
  name: 'mix',
  groups: [
    { gpu: 'h100-sxm', count: h100, scaleUpDomain: 8, scaleOutGBs: 50 },
    { gpu: 'gb200', count: gb200, scaleUpDomain: 72, scaleOutGBs: 50 },
  ],
});
const { pp: _pp, schedule: _schedule, ...base } = DEFAULT_LAYOUT;
const mixed = (over: Partial<MixedLayoutSpec> = {}): MixedLayoutSpec => ({
  ...base,
  tp: 8,
  stages: [
    { gpu: 'h100-sxm', count: 2 },
    { gpu: 'gb200', count: 2 },
  ],
  ...over,
});
const plain = (over: Partial<LayoutSpec>): LayoutSpec => ({ ...DEFAULT_LAYOUT, ...over });

/** The exact optimum by brute force over every split (small cases). */
function bruteMinMax(perLayerS: number[], fixedS: number[], maxLayers: number[], layers: number): number {
  let best = Infinity;
  const rec = (i: number, left: number, worst: number): void => {
    if (i === perLayerS.length - 1) {
      if (left >= 1 && left <= (maxLayers[i] ?? Infinity))
        best = Math.min(best, Math.max(worst, (fixedS[i] ?? 0) + left * (perLayerS[i] ?? 0)));
      return;
    }
    for (let l = 1; l <= Math.min(left - (perLayerS.length - 1 - i), maxLayers[i] ?? Infinity); l++)
      rec(i + 1, left - l, Math.max(worst, (fixedS[i] ?? 0) + l * (perLayerS[i] ?? 0)));
  };
  rec(0, layers, 0);
  return best;
}

describe('balanceStageLayers', () => {
  it.each(Array.from({ length: 40 }, (_, k) => k))(
    'random case %i: the min-max equals brute force and the split is valid',
    (k) => {
      const r = createRng(1000 + k);
      const rng = (): number => r.uniform();
      const p = 2 + Math.floor(rng() * 3);
      const layers = p + Math.floor(rng() * 14);
      const perLayerS = Array.from({ length: p }, () => 0.1 + rng());
      const fixedS = Array.from({ length: p }, (_, i) => (i === p - 1 ? rng() : 0));
      const maxLayers = Array.from({ length: p }, () => (rng() < 0.3 ? 1 + Math.floor(rng() * layers) : Infinity));
      const split = balanceStageLayers({ perLayerS, fixedS, maxLayers, layers });
      const best = bruteMinMax(perLayerS, fixedS, maxLayers, layers);
      if (best === Infinity) {
        expect(split).toBeNull();
        return;
      }
      expect(split).not.toBeNull();
      const s = split as number[];
      expect(s.reduce((a, b) => a + b, 0)).toBe(layers);
      s.forEach((l, i) => {
        expect(l).toBeGreaterThanOrEqual(1);
        expect(l).toBeLessThanOrEqual(maxLayers[i] ?? Infinity);
      });
      const worst = Math.max(...s.map((l, i) => (fixedS[i] ?? 0) + l * (perLayerS[i] ?? 0)));
      expect(worst).toBe(best);
    },
  );

  it('gives a generation twice as fast twice the layers', () => {
    expect(balanceStageLayers({ perLayerS: [2, 1], fixedS: [0, 0], maxLayers: [99, 99], layers: 30 })).toEqual([
      10, 20,
    ]);
  });
});

describe('a mixed-generation replica class', () => {
  const job = buildHybridJob(cluster(64, 96), w70, [plain({ tp: 8, pp: 4 })], {
    globalBatch: 64,
    mixed: [mixed()],
  });
  const m = job.mixed[0];

  it('takes its GPUs first and leaves the rest to the group layouts', () => {
    // A replica: 2 H100 stages x tp 8 = 16 H100, 2 GB200 stages x 8 = 16 GB200: 4 replicas.
    // 64 H100 allow 4, 96 GB200 6: 4 replicas, 128 GPUs; 32 GB200 are left to the group layout.
    expect(m?.replicas).toBe(4);
    expect(m?.gpuCount).toBe(128);
    expect(job.groups.map((g) => [g.gpu.id, g.gpuCount, g.layout.dp])).toEqual([['gb200', 32, 1]]);
    expect(job.model.classes.map((c) => c.gpu.id)).toEqual(['gb200', 'h100-sxm+gb200']);
    expect(job.model.classes[1]?.count).toBe(4);
    expect(job.unusedGpus).toEqual([0, 0]);
  });

  it('puts more layers on the faster generation, and every stage on its own generation', () => {
    const s = m?.step.stages ?? [];
    expect(m?.stageGpus.map((g) => g.id)).toEqual(['h100-sxm', 'h100-sxm', 'gb200', 'gb200']);
    expect(s.map((x) => x.layers).reduce((a, b) => a + b, 0)).toBe(w70.layers);
    expect(Math.min(s[2]?.layers ?? 0, s[3]?.layers ?? 0)).toBeGreaterThan(
      Math.max(s[0]?.layers ?? 0, s[1]?.layers ?? 0),
    );
    // memory per stage against its own generation's capacity
    expect(s[0]?.memory.capacityBytes).toBe(80e9);
    expect(s[2]?.memory.capacityBytes).toBeGreaterThan(150e9);
  });

  it('balances better than the even split: its slowest stage is faster', () => {
    const even = buildHybridJob(cluster(64, 96), w70, [plain({ tp: 8, pp: 4 })], {
      globalBatch: 64,
      mixed: [mixed({ layersPerStage: [20, 20, 20, 20] })],
    }).mixed[0];
    const slowest = (x: typeof m) => Math.max(...(x?.step.stages ?? []).map((st) => st.forwardS + st.backwardS));
    expect(even?.balanced).toBe(false);
    expect(m?.balanced).toBe(true);
    expect(slowest(m)).toBeLessThan(slowest(even));
    expect(m?.step.seconds ?? 0).toBeLessThan(even?.step.seconds ?? 0);
  });

  it('sends across generations over the slower NIC, so a slower scale-out makes the cross hop dearer', () => {
    const slow: ClusterSpec = {
      name: 'slow',
      groups: [
        { gpu: 'h100-sxm', count: 64, scaleUpDomain: 8, scaleOutGBs: 12.5 },
        { gpu: 'gb200', count: 64, scaleUpDomain: 72, scaleOutGBs: 50 },
      ],
    };
    const hop = (c: ClusterSpec) =>
      buildHybridJob(c, w70, [], { globalBatch: 64, mixed: [mixed()] }).mixed[0]?.step.parts.p2pS ?? [];
    const fast = hop(cluster(64, 64));
    const slowHops = hop(slow);
    expect(fast).toHaveLength(3);
    // hop 1 is H100 -> GB200: at 12.5 GB/s it costs about 4x the 50 GB/s hop
    expect((slowHops[1] ?? 0) / (fast[1] ?? 1)).toBeGreaterThan(3);
    // the GB200 -> GB200 hop stays inside the NVL72 domain (NVLink), cheaper than any NIC hop
    expect(fast[2] ?? 0).toBeLessThan(fast[1] ?? 0);
  });

  it('is a class the policies partition over: simulate runs every policy on it', () => {
    const r = simulate(job.model, {
      policies: ['lockstep', 'minmax'],
      steps: 20,
      seed: 1,
      jitterCv: 0.02,
      hybrid: job,
    });
    expect(r.policies.map((p) => p.allocation.reduce((a, b) => a + b, 0))).toEqual([64, 64]);
    expect(r.policies[1]?.figures.stepS ?? 0).toBeLessThanOrEqual((r.policies[0]?.figures.stepS ?? 0) * 1.0001);
  });

  it('plan shows each stage generation', () => {
    const plan = summarizeHybridPlan(job);
    expect(plan.mixed?.[0]?.stages.map((s) => s.gpu)).toEqual(['h100-sxm', 'h100-sxm', 'gb200', 'gb200']);
    expect(plan.mixed?.[0]?.stageGpus).toHaveLength(4);
  });

  it('refuses a stage on a generation the cluster lacks, naming the field', () => {
    expect(() =>
      buildHybridJob(cluster(64, 64), w70, [], {
        globalBatch: 64,
        mixed: [
          mixed({
            stages: [
              { gpu: 'a100-sxm-80gb', count: 2 },
              { gpu: 'gb200', count: 2 },
            ],
          }),
        ],
        mixedField: (j, name) => `$.layouts[${j}].${name}`,
      }),
    ).toThrow(SpecError);
    try {
      buildHybridJob(cluster(64, 64), w70, [], { globalBatch: 64, mixed: [mixed({ replicas: 9 })] });
    } catch (err) {
      expect((err as SpecError).field).toBe('mixed[0].replicas');
      expect((err as SpecError).message).toContain('1 to 4');
    }
    expect.assertions(3);
  });
});
