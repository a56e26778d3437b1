import { describe, expect, it } from 'vitest';
import { SpecError } from '../src/errors.js';
import { DEFAULT_LAYOUT, type LayoutSpec, replicasOf, resolveLayout, spreadLayers } from '../src/model/layout.js';
import { buildHybridJob } from '../src/sim/hybrid-model.js';
import { findWorkload } from './helpers/presets.js';
import { seededRandom } from './helpers/rng.js';

/** Layouts checked against their group and workload (model/layout.ts): what is derived, and what is refused. */
const w70 = findWorkload('llama3-70b'); // 80 layers, 64 heads, 8 KV heads, seq 8192
const w405 = findWorkload('llama3-405b'); // 126 layers, 128 heads
const hgx = (count: number) => ({ count, scaleUpDomain: 8 });
const layout = (over: Partial<LayoutSpec>): LayoutSpec => ({ ...DEFAULT_LAYOUT, ...over });
const flag = (name: keyof LayoutSpec): string => `--${name}`;

/** The SpecError a call throws (failing the test if it throws none or another kind). */
function specErrorOf(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error('expected a SpecError, none was thrown');
}

describe('resolveLayout: derived values', () => {
  it('dp = floor(count / (tp pp cp)) and the rest unused: 1,000 GPUs at tp 8 x pp 4 x cp 2', () => {
    const r = resolveLayout(layout({ tp: 8, pp: 4, cp: 2 }), hgx(1000), w70, 8);
    expect(r.dp).toBe(15); // 15 x 64 = 960
    expect(r.unusedGpus).toBe(40);
    expect(r.microBatches).toBe(8);
    expect(r.stageLayers).toEqual([20, 20, 20, 20]);
  });

  it.each([
    [64, 8, 1, 1, 8, 0],
    [100, 8, 1, 1, 12, 4],
    [100, 4, 3, 1, 8, 4],
    [7, 2, 1, 2, 1, 3],
  ])('count %d, tp %d pp %d cp %d: dp %d, %d unused', (count, tp, pp, cp, dp, unused) => {
    const r = resolveLayout(layout({ tp, pp, cp }), hgx(count), w70, 4);
    expect([r.dp, r.unusedGpus]).toEqual([dp, unused]);
    expect(replicasOf(layout({ tp, pp, cp }), hgx(count), w70)).toBe(dp);
  });

  it('micro-batches = sequences per replica / micro-batch', () => {
    expect(resolveLayout(layout({ microBatch: 4 }), hgx(8), w70, 32).microBatches).toBe(8);
  });

  it('interleaving spreads the layers over pp x v virtual stages', () => {
    const r = resolveLayout(layout({ pp: 4, schedule: { kind: 'interleaved', virtualStages: 5 } }), hgx(32), w70, 8);
    expect(r.stageLayers).toEqual(Array.from({ length: 20 }, () => 4));
  });

  it('keeps explicit layers per stage', () => {
    const r = resolveLayout(layout({ pp: 4, layersPerStage: [19, 21, 21, 19] }), hgx(32), w70, 4);
    expect(r.stageLayers).toEqual([19, 21, 21, 19]);
  });
});

describe('resolveLayout and replicasOf: errors name the field, the value, and what is valid', () => {
  it('tp larger than the scale-up domain names tp and lists the tp that fit', () => {
    const e = specErrorOf(() => replicasOf(layout({ tp: 16 }), hgx(64), w70, flag));
    expect(e.field).toBe('--tp');
    expect(e.value).toBe(16);
    expect(e.message).toMatch(/scale-up domain of 8/);
    expect(e.message).toMatch(/1, 2, 4, 8/);
  });

  it('tp not dividing the heads names tp and lists the divisors that fit the domain', () => {
    const e = specErrorOf(() => replicasOf(layout({ tp: 3 }), hgx(64), w70, flag));
    expect(e.field).toBe('--tp');
    expect(e.message).toMatch(/64 attention heads/);
    expect(e.message).toMatch(/use one of 1, 2, 4, 8\b/);
  });

  it('pp x v above the layers names pp and gives the largest pp that works', () => {
    const e = specErrorOf(() => replicasOf(layout({ pp: 100 }), hgx(800), w70, flag));
    expect(e.field).toBe('--pp');
    expect(e.message).toMatch(/80 layers/);
    expect(e.message).toMatch(/at most 80/);
    const v = specErrorOf(() =>
      replicasOf(layout({ pp: 32, schedule: { kind: 'interleaved', virtualStages: 4 } }), hgx(256), w70, flag),
    );
    expect(v.field).toBe('--pp');
    expect(v.message).toMatch(/at most 20/); // floor(80 / 4)
  });

  it('a replica larger than the group names the degree that makes it so', () => {
    expect(specErrorOf(() => replicasOf(layout({ pp: 4 }), hgx(2), w70, flag)).field).toBe('--pp');
    // tp alone is too large: the error must not blame pp = 1
    const tp = specErrorOf(() => replicasOf(layout({ tp: 8 }), hgx(4), w70, flag));
    expect(tp.field).toBe('--tp');
    expect(tp.message).toMatch(/more than the group's 4/);
    expect(specErrorOf(() => replicasOf(layout({ cp: 8 }), hgx(4), w70, flag)).field).toBe('--cp');
  });

  it('a micro-batch not dividing the per-replica batch names microBatch and lists the divisors', () => {
    const e = specErrorOf(() => resolveLayout(layout({ microBatch: 3 }), hgx(8), w70, 8, flag));
    expect(e.field).toBe('--microBatch');
    expect(e.value).toBe(3);
    expect(e.message).toMatch(/1, 2, 4, 8/);
  });

  it('interleaving with micro-batches not a multiple of pp names the schedule', () => {
    const l = layout({ pp: 4, schedule: { kind: 'interleaved', virtualStages: 2 } });
    const e = specErrorOf(() => resolveLayout(l, hgx(32), w70, 6, flag));
    expect(e.field).toBe('--schedule');
    expect(e.message).toMatch(/\(6\) to be a multiple of pp 4/);
    expect(() => resolveLayout(l, hgx(32), w70, 8, flag)).not.toThrow();
  });

  it('interleaving needs at least two pipeline stages (chunks on one device have no bubble to fill)', () => {
    const e = specErrorOf(() =>
      replicasOf(layout({ pp: 1, schedule: { kind: 'interleaved', virtualStages: 2 } }), hgx(8), w70, flag),
    );
    expect(e.field).toBe('--schedule');
    expect(e.message).toMatch(/pp/);
  });

  it('layersPerStage of the wrong length names it and says how many entries', () => {
    const e = specErrorOf(() => resolveLayout(layout({ pp: 4, layersPerStage: [40, 40] }), hgx(32), w70, 4, flag));
    expect(e.field).toBe('--layersPerStage');
    expect(e.message).toMatch(/must list 4 whole numbers/);
  });

  it('layersPerStage with the wrong sum names it and gives both totals', () => {
    const e = specErrorOf(() =>
      resolveLayout(layout({ pp: 4, layersPerStage: [20, 20, 20, 21] }), hgx(32), w70, 4, flag),
    );
    expect(e.field).toBe('--layersPerStage');
    expect(e.message).toMatch(/80 layers \(they add up to 81\)/);
  });

  it('refuses fractional and zero degrees', () => {
    expect(specErrorOf(() => replicasOf(layout({ tp: 0 }), hgx(8), w70, flag)).field).toBe('--tp');
    expect(specErrorOf(() => replicasOf(layout({ pp: 1.5 }), hgx(8), w70, flag)).field).toBe('--pp');
    expect(specErrorOf(() => replicasOf(layout({ microBatch: 0 }), hgx(8), w70, flag)).field).toBe('--microBatch');
  });
});

describe('buildHybridJob: which input an error names', () => {
  const lab = {
    name: 'two-domains',
    groups: [
      { gpu: 'h100-sxm', count: 16, scaleUpDomain: 8, scaleOutGBs: 50 },
      { gpu: 'a100-sxm-80gb', count: 16, scaleUpDomain: 4, scaleOutGBs: 25 },
    ],
  };
  it('one layout for every group: a failure in group 1 names layouts[0] (the only one there is)', () => {
    const e = specErrorOf(() => buildHybridJob(lab, w70, [layout({ tp: 8 })], { globalBatch: 8 }));
    expect(e.field).toBe('layouts[0].tp');
  });

  it('one layout per group: a failure in group 1 names layouts[1]', () => {
    const e = specErrorOf(() => buildHybridJob(lab, w70, [layout({ tp: 4 }), layout({ tp: 8 })], { globalBatch: 8 }));
    expect(e.field).toBe('layouts[1].tp');
  });

  it('a global batch smaller than the replicas: the first B replicas run one sequence, the rest idle, and the job says how many', () => {
    const job = buildHybridJob(lab, w70, [layout({ tp: 4 })], { globalBatch: 5 });
    expect(job.totalReplicas).toBe(8);
    expect(job.idleReplicas).toBe(3);
    expect(job.groups.reduce((a, g) => a + g.sequences, 0)).toBe(5);
    expect(job.groups.every((g) => g.layout.sequencesPerReplica === 1)).toBe(true);
    // The idle replicas run nothing: the job moves fewer tokens per second than at the full batch.
    const full = buildHybridJob(lab, w70, [layout({ tp: 4 })], { globalBatch: 8 });
    expect(full.idleReplicas).toBe(0);
    const tokensPerS = (j: typeof job, b: number) => (b * j.model.tokensPerSequence) / j.lockstepStepS;
    expect(tokensPerS(job, 5)).toBeLessThan(tokensPerS(full, 8));
    expect(specErrorOf(() => buildHybridJob(lab, w70, [layout({ tp: 4 })], { globalBatch: 0 })).field).toBe(
      'globalBatch',
    );
  });

  it('a global batch that does not divide over the replicas runs lockstep: the first replicas one sequence more', () => {
    const job = buildHybridJob(lab, w70, [layout({ tp: 4 })], { globalBatch: 13 });
    expect(job.groups.reduce((a, g) => a + g.sequences, 0)).toBe(13);
    expect(job.groups.every((g) => g.layout.sequencesPerReplica === 2)).toBe(true);
  });
});

describe('spreadLayers', () => {
  it('126 layers on 16 stages: 7 on the first and the last, 8 on the others (Llama 3 405B)', () => {
    const s = spreadLayers(126, 16);
    expect(s).toHaveLength(16);
    expect(s[0]).toBe(7);
    expect(s[15]).toBe(7);
    expect(s.slice(1, 15)).toEqual(Array.from({ length: 14 }, () => 8));
    expect(s.reduce((a, b) => a + b, 0)).toBe(126);
  });

  it('and resolveLayout uses it for llama3-405b at pp 16', () => {
    expect(resolveLayout(layout({ pp: 16 }), hgx(128), w405, 16).stageLayers).toEqual(spreadLayers(126, 16));
  });

  it('sums to L and differs by at most one, for L up to 200 and n up to L (and 300 seeded draws beyond)', () => {
    const check = (L: number, n: number): void => {
      const s = spreadLayers(L, n);
      expect(s, `L=${L} n=${n}`).toHaveLength(n);
      expect(
        s.reduce((a, b) => a + b, 0),
        `L=${L} n=${n}`,
      ).toBe(L);
      expect(Math.max(...s) - Math.min(...s), `L=${L} n=${n}`).toBeLessThanOrEqual(1);
      // the extras go to the middle stages first: the ends get one only when every middle has one
      const base = Math.floor(L / n);
      if (n > 2 && L % n <= n - 2) expect([s[0], s[n - 1]], `L=${L} n=${n}`).toEqual([base, base]);
      if (n > 2 && L % n > n - 2) expect(Math.min(...s.slice(1, -1)), `L=${L} n=${n}`).toBe(base + 1);
    };
    for (let L = 1; L <= 200; L++) for (let n = 1; n <= Math.min(L, 64); n++) check(L, n);
    const rand = seededRandom(7);
    for (let k = 0; k < 300; k++) {
      const n = 1 + Math.floor(rand() * 512);
      check(n + Math.floor(rand() * 5000), n);
    }
  });
});
