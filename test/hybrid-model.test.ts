import { describe, expect, it } from 'vitest';
import type { ClusterSpec } from '../src/cluster/types.js';
import { findGpu } from '../src/hardware/catalog.js';
import { DEFAULT_LAYOUT, type LayoutSpec, type ResolvedLayout, resolveLayout } from '../src/model/layout.js';
import { layerCosts, stageParamsPerGpu } from '../src/model/stage-cost.js';
import { layerActivationBytes, stageMemory } from '../src/model/stage-memory.js';
import { policyNames } from '../src/policy/index.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { hybridGroupStep } from '../src/sim/hybrid-step.js';
import { simulate } from '../src/sim/simulate.js';
import { findWorkload } from './helpers/presets.js';

/** Properties of the hybrid-parallel cost model (model/stage-*.ts, sim/hybrid-*.ts), each a claim that could fail. */
const h100 = findGpu('h100-sxm');
const w70 = findWorkload('llama3-70b');
const w405 = findWorkload('llama3-405b');
const hgx = (count: number, scaleOutGBs = 50): ClusterSpec => ({
  name: `h100-${count}`,
  groups: [{ gpu: 'h100-sxm', count, scaleUpDomain: 8, scaleOutGBs }],
});
const layout = (over: Partial<LayoutSpec>): LayoutSpec => ({ ...DEFAULT_LAYOUT, ...over });
const resolved = (over: Partial<LayoutSpec>, count = 1024, perReplica = 8, w = w70): ResolvedLayout =>
  resolveLayout(layout(over), { count, scaleUpDomain: 8 }, w, perReplica);
const costsOf = (l: ResolvedLayout, w = w70) =>
  layerCosts({ gpu: h100, workload: w, layout: l, scaleUpGBs: 450, scaleOutGBs: 50, scaleUpDomain: 8 });
const memoryOf = (l: ResolvedLayout, w = w70) =>
  stageMemory({
    gpu: h100,
    workload: w,
    layout: l,
    paramsPerGpu: stageParamsPerGpu(w, l, 20, false, false),
    layersInFlight: 20 * 4,
    last: false,
  });
const states = (m: ReturnType<typeof memoryOf>): number => m.weightsBytes + m.gradientBytes + m.optimizerBytes;

describe('memory per GPU', () => {
  it('ZeRO 0 -> 3 lowers weights + gradients + optimizer states, strictly, and ZeRO 3 adds gathered layers', () => {
    const mem = ([0, 1, 2, 3] as const).map((zero) => memoryOf(resolved({ tp: 8, pp: 4, zero })));
    const s = mem.map(states);
    for (let z = 1; z < 4; z++) expect(s[z]).toBeLessThan(s[z - 1] ?? 0);
    // dp = 32: ZeRO 0 keeps 16 bytes per parameter, ZeRO 3 16 / 32
    expect((s[3] ?? 0) / (s[0] ?? 1)).toBeCloseTo(1 / 32, 9);
    expect(mem.map((m) => m.gatheredBytes > 0)).toEqual([false, false, false, true]);
    // activations do not depend on ZeRO
    for (const m of mem) expect(m.activationBytes).toBe(mem[0]?.activationBytes);
  });

  it('full recomputation lowers activation memory and lengthens the backward, selective sits between', () => {
    const modes = (['none', 'selective', 'full'] as const).map((recompute) => resolved({ tp: 8, pp: 4, recompute }));
    const act = modes.map((l) => memoryOf(l).activationBytes);
    expect(act[2]).toBeLessThan(act[1] ?? 0);
    expect(act[1]).toBeLessThan(act[0] ?? 0);
    const back = modes.map((l) => costsOf(l).layer.backward);
    expect(back[2]?.computeS).toBeGreaterThan(back[1]?.computeS ?? Number.POSITIVE_INFINITY);
    expect(back[1]?.computeS).toBeGreaterThan(back[0]?.computeS ?? Number.POSITIVE_INFINITY);
    // full recomputation reruns the forward's TP collectives too
    expect(back[2]?.commS).toBeGreaterThan(back[0]?.commS ?? Number.POSITIVE_INFINITY);
    // the forward itself is the same
    const fwd = modes.map((l) => costsOf(l).layer.forward.computeS);
    expect(fwd[1]).toBe(fwd[0]);
    expect(fwd[2]).toBe(fwd[0]);
  });

  it('sequence parallelism lowers activation memory when tp > 1, and changes nothing at tp 1', () => {
    const at = (tp: number, sequenceParallel: boolean) => layerActivationBytes(w70, resolved({ tp, sequenceParallel }));
    expect(at(8, true)).toBeLessThan(at(8, false));
    expect(at(2, true)).toBeLessThan(at(2, false));
    expect(at(1, true)).toBe(at(1, false));
    // it shards the 4h replicated per token: the difference is 4 h (1 - 1/t) tokens e
    const tokens = 8192;
    expect(at(8, false) - at(8, true)).toBeCloseTo(4 * 8192 * (1 - 1 / 8) * tokens * 2, 0);
  });
});

describe('compute and communication per layer', () => {
  it('doubling tp roughly halves the per-GPU compute of a layer and adds TP communication (llama3-405b)', () => {
    for (const [t1, t2] of [
      [1, 2],
      [2, 4],
      [4, 8],
    ] as const) {
      const a = costsOf(resolved({ tp: t1, sequenceParallel: true }, 1024, 8, w405), w405).layer;
      const b = costsOf(resolved({ tp: t2, sequenceParallel: true }, 1024, 8, w405), w405).layer;
      const ratio = (b.forward.computeS + b.backward.computeS) / (a.forward.computeS + a.backward.computeS);
      expect(ratio, `tp ${t1} -> ${t2}`).toBeGreaterThan(0.45);
      expect(ratio, `tp ${t1} -> ${t2}`).toBeLessThan(0.7);
      expect(b.forward.commS, `tp ${t1} -> ${t2}`).toBeGreaterThan(a.forward.commS);
    }
    expect(costsOf(resolved({ tp: 1 }, 1024, 8, w405), w405).layer.forward.commS).toBe(0);
  });
});

describe('the step: waterfall, MFU, special cases', () => {
  const cases: [string, number, Partial<LayoutSpec>, number][] = [
    ['tp 8 pp 4 1f1b', 1024, { tp: 8, pp: 4 }, 256],
    [
      'tp 8 pp 4 interleaved x5, zero 2',
      1024,
      { tp: 8, pp: 4, schedule: { kind: 'interleaved', virtualStages: 5 }, zero: 2 },
      256,
    ],
    ['tp 4 pp 8 cp 2, zero 3, full recompute', 1024, { tp: 4, pp: 8, cp: 2, zero: 3, recompute: 'full' }, 128],
    ['tp 8 dp only across domains, zero 0', 256, { tp: 8, zero: 0 }, 64],
    [
      'tp 2 pp 2 mb 2 sequence parallel, unfused',
      64,
      { tp: 2, pp: 2, microBatch: 2, sequenceParallel: true, attention: 'unfused' },
      64,
    ],
  ];
  it.each(cases)('%s: the waterfall adds up to the step (9 digits)', (_name, count, over, batch) => {
    const job = buildHybridJob(hgx(count), w70, [layout(over)], { globalBatch: batch });
    const step = job.groups[0]?.step;
    if (!step) throw new Error('no group');
    const w = step.waterfall;
    const sum = w.computeS + w.tpCommS + w.bubbleS + w.ppCommS + w.dpExposedS + w.optimizerS;
    expect(sum).toBeCloseTo(step.seconds, 9);
    for (const part of Object.values(w)) expect(part).toBeGreaterThanOrEqual(-1e-12);
    expect(job.lockstepStepS).toBe(step.seconds);
  });

  it('unused GPUs count as idle: the same replicas on 16 more GPUs give the same step and a lower MFU', () => {
    const l = [layout({ tp: 8, pp: 4 })];
    const exact = buildHybridJob(hgx(1024), w70, l, { globalBatch: 256 }).groups[0];
    const spare = buildHybridJob(hgx(1040), w70, l, { globalBatch: 256 }).groups[0];
    expect(spare?.layout.dp).toBe(exact?.layout.dp);
    expect(spare?.layout.unusedGpus).toBe(16);
    expect(spare?.step.seconds).toBeCloseTo(exact?.step.seconds ?? 0, 12);
    expect(spare?.step.mfu).toBeLessThan(exact?.step.mfu ?? 0);
    expect((spare?.step.mfu ?? 0) / (exact?.step.mfu ?? 1)).toBeCloseTo(1024 / 1040, 9);
    expect((spare?.step.tflopsPerGpu ?? 0) / (exact?.step.tflopsPerGpu ?? 1)).toBeCloseTo(1024 / 1040, 9);
  });

  it('DP-only layout (tp = pp = cp = 1): a one-stage pipeline with no bubble and no p2p', () => {
    const job = buildHybridJob(hgx(64), findWorkload('llama3-8b'), [layout({ zero: 1 })], { globalBatch: 256 });
    const g = job.groups[0];
    expect(g?.layout.dp).toBe(64);
    expect(g?.layout.microBatches).toBe(4);
    expect(g?.step.stages).toHaveLength(1);
    expect(g?.step.timeline.bubbleFraction).toBeCloseTo(0, 12);
    expect(g?.step.waterfall.bubbleS).toBeCloseTo(0, 12);
    expect(g?.step.waterfall.ppCommS).toBe(0);
    expect(g?.step.waterfall.tpCommS).toBe(0);
    expect(g?.step.waterfall.dpExposedS).toBeGreaterThanOrEqual(0);
  });

  it('a pipeline inside one scale-up domain never pays the scale-out link for p2p (interleaved wrap-around too)', () => {
    // tp 2 x pp 4 = 8 GPUs: every stage boundary, including device 3 -> device 0 of the next
    // chunk, is NVLink; the scale-out bandwidth must not change the PP p2p
    const l = [layout({ tp: 2, pp: 4, schedule: { kind: 'interleaved', virtualStages: 2 } })];
    const fast = buildHybridJob(hgx(64, 50), w70, l, { globalBatch: 64 }).groups[0]?.step.waterfall.ppCommS ?? 0;
    const slow = buildHybridJob(hgx(64, 5), w70, l, { globalBatch: 64 }).groups[0]?.step.waterfall.ppCommS ?? 0;
    expect(fast).toBeGreaterThan(0);
    expect(slow).toBeCloseTo(fast, 12);
  });
});

describe('the hybrid job as a ClusterModel', () => {
  it.each([
    ['tp 8 pp 4', [layout({ tp: 8, pp: 4 })], 256, undefined],
    [
      'tp 8 pp 4 interleaved x2 zero 3',
      [layout({ tp: 8, pp: 4, zero: 3, schedule: { kind: 'interleaved', virtualStages: 2 } })],
      256,
      undefined,
    ],
    ['tp 8 pp 2, computeScale 1.4', [layout({ tp: 8, pp: 2 })], 128, 1.4],
  ] as const)(
    '%s: simulate() lockstep at jitter 0 is the plan step, every policy allocates the batch',
    (_n, layouts, batch, computeScale) => {
      const job = buildHybridJob(
        hgx(1024),
        w70,
        layouts,
        computeScale === undefined ? { globalBatch: batch } : { globalBatch: batch, computeScale },
      );
      const sim = simulate(job.model, { policies: policyNames, steps: 3, seed: 1, jitterCv: 0 });
      expect(Math.abs(sim.lockstepStepS / job.lockstepStepS - 1)).toBeLessThan(1e-9);
      expect(sim.policies.map((p) => p.policy)).toEqual([...policyNames]);
      for (const p of sim.policies) {
        expect(
          p.allocation.reduce((a, b) => a + b, 0),
          p.policy,
        ).toBe(batch);
        expect(p.figures.stepS, p.policy).toBeGreaterThan(0);
      }
    },
  );

  it('a two-group job: lockstep in simulate() is the slowest group, and allocations still sum to the batch', () => {
    const mixed: ClusterSpec = {
      name: 'h100-a100',
      groups: [
        { gpu: 'h100-sxm', count: 256, scaleUpDomain: 8, scaleOutGBs: 50 },
        { gpu: 'a100-sxm-80gb', count: 256, scaleUpDomain: 8, scaleOutGBs: 25 },
      ],
    };
    const job = buildHybridJob(mixed, w70, [layout({ tp: 8, pp: 4 })], { globalBatch: 128 });
    expect(job.lockstepStepS).toBe(Math.max(...job.groups.map((g) => g.step.seconds)));
    const sim = simulate(job.model, { policies: policyNames, steps: 2, seed: 3, jitterCv: 0 });
    for (const p of sim.policies)
      expect(
        p.allocation.reduce((a, b) => a + b, 0),
        p.policy,
      ).toBe(128);
  });

  it('hybridGroupStep is memoised: identical calls share the timeline and give identical numbers', () => {
    const l = resolved({ tp: 8, pp: 4, schedule: { kind: 'interleaved', virtualStages: 2 } }, 1024, 8);
    const group = { gpu: 'h100-sxm', count: 1024, scaleUpDomain: 8, scaleOutGBs: 50 };
    const a = hybridGroupStep({ group, gpu: h100, workload: w70, layout: l });
    const b = hybridGroupStep({ group, gpu: h100, workload: w70, layout: { ...l } });
    expect(b.timeline).toBe(a.timeline);
    expect(b.seconds).toBe(a.seconds);
    expect(b.waterfall).toEqual(a.waterfall);
    expect(b.stages).toEqual(a.stages);
    // a different layout is not served from the memo
    const c = hybridGroupStep({ group, gpu: h100, workload: w70, layout: { ...l, microBatches: 16 } });
    expect(c.timeline).not.toBe(a.timeline);
    expect(c.seconds).toBeGreaterThan(a.seconds);
  });
});
