import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../src/cluster/types.js';
import { findGpu } from '../src/hardware/catalog.js';
import type { LayoutSpec } from '../src/model/layout.js';
import { spreadLayers } from '../src/model/layout.js';
import { lockstepAllocation } from '../src/policy/index.js';
import { barrierSync } from '../src/policy/sync.js';
import { composeStep, modelStep } from '../src/sim/compose.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { hybridGroupStep } from '../src/sim/hybrid-step.js';
import { simulatePipeline } from '../src/sim/pipeline.js';
import { FastClass } from '../src/sim/search/fast-class.js';
import { peakLayersInFlight, pipelineFinish } from '../src/sim/search/fast-pipeline.js';
import { NoFeasiblePlanError, searchPlans } from '../src/sim/search/plan-search.js';
import { tpValues } from '../src/sim/search/space.js';
import { loadWorkload } from '../src/workload/load.js';

const tiny: ClusterSpec = {
  name: 'tiny',
  groups: [
    { gpu: 'a100-sxm-80gb', count: 8, scaleUpDomain: 8, scaleOutGBs: 25 },
    { gpu: 'h100-sxm', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 },
  ],
};
const w8b = loadWorkload('8b');
// The brute force searches tp and pp; the other dimensions are fixed in both.
const fixed = { cp: 1, microBatch: 1, interleave: 1, zero: 2, recompute: 'none' } as const;

function layoutOf(tp: number, pp: number): LayoutSpec {
  return {
    tp,
    pp,
    cp: 1,
    microBatch: 1,
    schedule: { kind: '1f1b' },
    zero: 2,
    recompute: 'none',
    sequenceParallel: tp > 1,
  };
}

/** Every (tp, pp) per group through buildHybridJob and lockstep: the exhaustive best step. */
function exhaustiveLockstepBest(cluster: ClusterSpec, B: number): number {
  const per = cluster.groups.map((g) =>
    tpValues(w8b)
      .filter((t) => t <= g.scaleUpDomain)
      .flatMap((tp) => Array.from({ length: w8b.layers }, (_, i) => layoutOf(tp, i + 1))),
  );
  let best = Number.POSITIVE_INFINITY;
  for (const a of per[0] ?? [])
    for (const b of per[1] ?? []) {
      let job: ReturnType<typeof buildHybridJob>;
      try {
        job = buildHybridJob(cluster, w8b, [a, b], { globalBatch: B });
      } catch {
        continue; // not a valid job (a replica larger than its group, the batch too small)
      }
      if (!job.groups.every((g) => g.step.fits)) continue;
      let allocation: readonly number[];
      try {
        allocation = lockstepAllocation(job.model);
      } catch {
        continue;
      }
      const step = composeStep(job.model, barrierSync(job.model), modelStep(job.model, allocation)).stepS;
      if (step < best) best = step;
    }
  return best;
}

describe('plan --search (src/sim/search)', () => {
  it('finds the exhaustive best lockstep plan on a tiny cluster, and no plan slower than it is ranked first', () => {
    for (const B of [16, 48]) {
      const r = searchPlans(tiny, w8b, { globalBatch: B, fixed });
      const exhaustive = exhaustiveLockstepBest(tiny, B);
      expect(r.lockstep.step.seconds).toBeCloseTo(exhaustive, 9);
      const best = r.plans[0];
      expect(best).toBeDefined();
      expect(best?.step.seconds ?? Infinity).toBeLessThanOrEqual(r.lockstep.step.seconds * (1 + 1e-12));
      // Ranked fastest first, every plan feasible, sequences add up to the batch.
      const steps = r.plans.map((p) => p.step.seconds);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      for (const p of r.plans) {
        expect(p.fits).toBe(true);
        expect(p.layouts.reduce((n, l) => n + l.sequences, 0)).toBe(B);
        expect(p.speedupOverLockstep).toBeCloseTo(r.lockstep.step.seconds / p.step.seconds, 12);
      }
    }
  });

  it('is deterministic: the same search gives the same result', () => {
    const a = searchPlans(tiny, w8b, { globalBatch: 32 });
    const b = searchPlans(tiny, w8b, { globalBatch: 32 });
    expect(b).toEqual(a);
  });

  it('fixing a dimension restricts every plan to it', () => {
    const r = searchPlans(tiny, w8b, { globalBatch: 32, fixed: { tp: 2 } });
    for (const p of [r.lockstep, ...r.plans]) for (const l of p.layouts) expect(l.tp).toBe(2);
  });

  it('the fast path gives hybridGroupStep’s step and memory verdict', () => {
    const w = loadWorkload('llama3-405b');
    const group = { gpu: 'h100-sxm', count: 4096, scaleUpDomain: 8, scaleOutGBs: 50 };
    const gpu = findGpu('h100-sxm');
    const fast = new FastClass({ group, gpu, workload: w, ringMembers: (r) => r });
    for (const [pp, v, q, zero, recompute] of [
      [16, 1, 8, 1, 'none'],
      [8, 2, 16, 3, 'selective'],
      [4, 1, 2, 0, 'full'],
      [15, 1, 3, 2, 'none'],
    ] as const) {
      const layout: LayoutSpec = {
        ...layoutOf(8, pp),
        schedule: v > 1 ? { kind: 'interleaved', virtualStages: v } : { kind: '1f1b' },
        zero,
        recompute,
      };
      const dp = Math.floor(4096 / (8 * pp));
      const step = hybridGroupStep({
        group,
        gpu,
        workload: w,
        layout: {
          ...layout,
          dp,
          unusedGpus: 4096 - dp * 8 * pp,
          sequencesPerReplica: q,
          microBatches: q,
          stageLayers: spreadLayers(w.layers, pp * v),
        },
      });
      const e = fast.evaluate(layout, dp, q);
      expect(e.computeS + e.dpExposedS).toBeCloseTo(step.seconds, 12);
      expect(e.dpExposedS).toBeCloseTo(step.waterfall.dpExposedS, 12);
      expect(fast.fits(layout, dp, q)).toBe(step.fits);
    }
  });

  it('no feasible plan: says which constraint excluded the most, with counts and a fix', () => {
    const w = loadWorkload('llama3-405b');
    // 405B on 16 GPUs without model parallelism: nothing fits.
    let err: unknown;
    try {
      searchPlans(tiny, w, { globalBatch: 32, fixed: { tp: 1, pp: 1 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoFeasiblePlanError);
    expect((err as Error).message).toMatch(/memory excluded the most candidates \(memory \d[\d,]*, batch 0/);
    // A batch smaller than any layout's replica count: batch is the cause, the fix raises it.
    const colossus: ClusterSpec = {
      name: 'c',
      groups: [
        { gpu: 'h100-sxm', count: 150_000, scaleUpDomain: 8, scaleOutGBs: 50 },
        { gpu: 'gb200', count: 20_000, scaleUpDomain: 72, scaleOutGBs: 50 },
      ],
    };
    let err2: unknown;
    try {
      searchPlans(colossus, w, { globalBatch: 64, fixed: { pp: 4, tp: 8 } });
    } catch (e) {
      err2 = e;
    }
    expect(err2).toBeInstanceOf(NoFeasiblePlanError);
    expect((err2 as Error).message).toMatch(/batch excluded the most candidates \(batch [\d,]+/);
    expect((err2 as Error).message).toMatch(/raise --global-batch \(now 64\)/);
  });
});

describe('the search pipeline (src/sim/search/fast-pipeline.ts)', () => {
  it('gives simulatePipeline’s finish times and in-flight layers, 1F1B and interleaved, uneven stages', () => {
    for (const [p, v, m] of [
      [4, 1, 3],
      [4, 1, 9],
      [3, 2, 6],
      [4, 4, 8],
      [7, 1, 1],
    ] as const) {
      const n = p * v;
      const layers = spreadLayers(30, n);
      const forwardS = layers.map((l, s) => l * 0.01 + (s === n - 1 ? 0.004 : 0));
      const backwardS = forwardS.map((f, s) => 2 * f + 0.001 * (s % 3));
      const p2pS = Array.from({ length: n - 1 }, (_, s) => 0.0005 * (1 + (s % 2)));
      const ref = simulatePipeline({ p, v, m, forwardS, backwardS, p2pS }, (d, c) => layers[c * p + d] ?? 0);
      const fast = pipelineFinish(p, v, m, forwardS, backwardS, p2pS);
      expect([...fast.deviceFinishS]).toEqual(ref.deviceFinishS);
      expect(fast.makespanS).toBe(ref.makespanS);
      expect([...peakLayersInFlight(p, v, m, layers)]).toEqual(ref.peakInFlightWeight);
    }
  });
});
