import { describe, expect, it } from 'vitest';
import { clusterPresets } from '../src/cluster/presets.js';
import type { ClusterSpec } from '../src/cluster/types.js';
import { SpecError } from '../src/errors.js';
import { catalog } from '../src/hardware/catalog.js';
import { buildClusterModel, DEFAULT_MAX_MICRO_BATCHES } from '../src/model/cluster-model.js';
import { accumulatedCurve, affineFit, computeCurve, curveParts } from '../src/model/compute-curve.js';
import { memoryBreakdown } from '../src/model/memory-cap.js';
import { lockstepAllocation, minmaxAllocation } from '../src/policy/index.js';
import { fixedDraws } from '../src/sim/draws.js';
import { runStatic } from '../src/sim/static-run.js';
import { workloadPresets } from '../src/workload/presets.js';
import { findCluster, findWorkload } from './helpers/presets.js';

/** One generation alone, 1,000 GPUs: the sharding every catalog GPU is checked at. */
function single(gpu: string): ClusterSpec {
  return { name: gpu, groups: [{ gpu, count: 1000, scaleUpDomain: 8, scaleOutGBs: 50 }] };
}

describe('gradient accumulation: the per-step curve', () => {
  it.each(catalog.flatMap((g) => workloadPresets.map((w) => [g.id, w.name] as const)))(
    '%s / %s: timeS(0) = 0 and non-decreasing up to the per-step cap',
    (gpu, w) => {
      const model = buildClusterModel(single(gpu), findWorkload(w), { globalBatch: 1000 });
      const c = model.classes[0]!;
      expect(c.memoryCapSequences).toBe(c.microBatchCap * DEFAULT_MAX_MICRO_BATCHES);
      expect(c.timeS(0)).toBe(0);
      let previous = 0;
      // Past the cap too, so a class with cap 0 still checks its extrapolated curve.
      for (let b = 1; b <= Math.max(c.memoryCapSequences, 64); b++) {
        const now = c.timeS(b);
        expect(now).toBeGreaterThanOrEqual(previous);
        previous = now;
      }
    },
  );

  it('splits b into ceil(b / mu) near-equal micro-batches and pays the optimizer once (hand sum)', () => {
    const cluster = findCluster('colossus-1');
    const w = findWorkload('70b');
    const model = buildClusterModel(cluster, w);
    const h100 = model.classes[0]!;
    expect(h100.microBatchCap).toBe(8);
    const { timeS: one, perStepS } = curveParts(h100.gpu, w, model.gpus);
    // 20 sequences, micro-batches of at most 8: q = 3, sizes 7, 7, 6.
    expect(h100.timeS(20)).toBeCloseTo(2 * one(7) + one(6) - 2 * perStepS, 12);
    // 32: four full micro-batches of 8.
    expect(h100.timeS(32)).toBeCloseTo(4 * one(8) - 3 * perStepS, 12);
    // Up to the micro-batch cap nothing changes: one micro-batch.
    for (let b = 0; b <= 8; b++) expect(h100.timeS(b)).toBe(one(b));
    expect(perStepS).toBeGreaterThan(0);
    // Splitting costs time: 4 x 8 sequences are slower than 32 in one go would be.
    expect(h100.timeS(32)).toBeGreaterThan(one(32));
  });

  it('evaluates the single-micro-batch curve at most twice per call, and memoises it', () => {
    let calls = 0;
    const t = accumulatedCurve(
      (b) => {
        calls++;
        return b > 0 ? 1 + b : 0;
      },
      0.5,
      8,
    );
    for (const b of [1e6, 12_345, 77]) {
      calls = 0;
      t(b);
      expect(calls).toBeLessThanOrEqual(2);
    }
    calls = 0;
    t(12_345);
    expect(calls).toBe(0);
    // 12,345 sequences: q = ceil(12,345 / 8) = 1,544 micro-batches, spread evenly as sizes 8 and 7:
    // r = 12,345 - 7 * 1,544 = 1,537 of 8 and 7 of 7; one optimizer, so 1,543 of them refunded.
    expect(t(12_345)).toBeCloseTo(1537 * 9 + 7 * 8 - 1543 * 0.5, 9);
  });

  it('does not split when not even one sequence fits (cap 0) or the cap is not finite', () => {
    const one = (b: number): number => (b > 0 ? 2 + b : 0);
    expect(accumulatedCurve(one, 1, 0)(10)).toBe(12);
    expect(accumulatedCurve(one, 1, Infinity)(10)).toBe(12);
  });
});

describe('maxMicroBatches', () => {
  // The presets as they were before accumulation: per-GPU batches 2 (8b), 4 (70b), 1 (405b).
  const oldPerGpu: Record<string, number> = { '8b': 2, '70b': 4, '405b': 1 };

  it.each(clusterPresets.flatMap((c) => workloadPresets.map((w) => [c.name, w.name] as const)))(
    '%s / %s: 1 reproduces the model without accumulation exactly',
    (cName, wName) => {
      const cluster = findCluster(cName);
      const w = findWorkload(wName);
      const gpus = cluster.groups.reduce((n, g) => n + g.count, 0);
      const model = buildClusterModel(cluster, w, { maxMicroBatches: 1, globalBatch: (oldPerGpu[wName] ?? 1) * gpus });
      expect(model.maxMicroBatches).toBe(1);
      for (const c of model.classes) {
        const old = computeCurve(c.gpu, w, gpus);
        const cap = memoryBreakdown(c.gpu, w, gpus).capSequences;
        expect(c.microBatchCap).toBe(cap);
        expect(c.memoryCapSequences).toBe(cap);
        for (let b = 0; b <= cap + 40; b++) expect(c.timeS(b)).toBe(old(b));
        const fit = affineFit(old, Math.min(cap, 64));
        expect(c.fixedS).toBe(fit.fixedS);
        expect(c.perSequenceS).toBe(fit.perSequenceS);
      }
    },
  );

  it('without accumulation, colossus-1 / 70b at 4 per GPU shows the granularity artifact: minmax = lockstep', () => {
    const cluster = findCluster('colossus-1');
    const model = buildClusterModel(cluster, findWorkload('70b'), { maxMicroBatches: 1, globalBatch: 4 * 220_000 });
    const none = fixedDraws([1, 1, 1]);
    const lock = runStatic(model, lockstepAllocation(model), none).figures.stepS;
    const mm = runStatic(model, minmaxAllocation(model), none).figures.stepS;
    expect(mm).toBeCloseTo(lock, 9);
  });

  it('with accumulation (the default), colossus-1 / 70b at 32 per GPU lets minmax act: over 10% faster than lockstep', () => {
    const model = buildClusterModel(findCluster('colossus-1'), findWorkload('70b'));
    const none = fixedDraws([1, 1, 1]);
    const lock = runStatic(model, lockstepAllocation(model), none).figures.stepS;
    const mm = runStatic(model, minmaxAllocation(model), none).figures.stepS;
    expect(lock / mm).toBeGreaterThan(1.1);
    // H100s give up sequences, GB200s take them, nobody over the per-step cap.
    const perGpu = minmaxAllocation(model).map((s, i) => Math.ceil(s / model.classes[i]!.count));
    expect(perGpu[0]!).toBeLessThan(32);
    expect(perGpu[2]!).toBeGreaterThan(32);
    for (const [i, b] of perGpu.entries()) expect(b).toBeLessThanOrEqual(model.classes[i]!.memoryCapSequences);
  });

  it('keeps the gradient all-reduce once per step: independent of the batch and of maxMicroBatches', () => {
    const cluster = findCluster('colossus-1');
    const w = findWorkload('70b');
    const a = buildClusterModel(cluster, w, { maxMicroBatches: 1, globalBatch: 220_000 }).allReduceS;
    expect(buildClusterModel(cluster, w).allReduceS).toBe(a);
    expect(buildClusterModel(cluster, w, { maxMicroBatches: 8 }).allReduceS).toBe(a);
  });

  it('gives a per-step cap of 0 when not even one sequence fits, whatever maxMicroBatches', () => {
    const model = buildClusterModel(findCluster('lab-a100-h100'), findWorkload('70b'));
    for (const c of model.classes) expect([c.microBatchCap, c.memoryCapSequences]).toEqual([0, 0]);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects maxMicroBatches %s with a SpecError', (m) => {
    expect(() => buildClusterModel(findCluster('lab-a100-h100'), findWorkload('8b'), { maxMicroBatches: m })).toThrow(
      SpecError,
    );
  });
});
