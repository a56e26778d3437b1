import { describe, expect, it } from 'vitest';
import { stepGemms } from '../src/workload/gemms.js';
import type { Gemm, WorkloadSpec } from '../src/workload/types.js';

const tiny: WorkloadSpec = {
  name: 'tiny',
  params: 1352,
  layers: 2,
  hidden: 8,
  ffnHidden: 16,
  heads: 2,
  kvHeads: 1,
  vocab: 10,
  seqLen: 4,
  globalBatch: { sequences: 1 },
  dtype: 'bf16',
  recompute: true,
};
const shape = (g: Gemm | undefined): unknown => g && [g.m, g.n, g.k, g.count, g.batch ?? 1];
const find = (gemms: Gemm[], name: string, phase: Gemm['phase']): Gemm | undefined =>
  gemms.find((g) => g.name === name && g.phase === phase);

describe('GEMM list of one micro-batch', () => {
  const gemms = stepGemms(tiny, 3); // m = 3 * 4 = 12 tokens

  it.each([
    ['qkv-proj', 'forward', [12, 16, 8, 2, 1]],
    ['attn-scores', 'forward', [4, 4, 4, 2 * 3 * 2, 6]],
    ['attn-context', 'forward', [4, 4, 4, 12, 6]],
    ['out-proj', 'forward', [12, 8, 8, 2, 1]],
    ['mlp-gate-up', 'forward', [12, 32, 8, 2, 1]],
    ['mlp-down', 'forward', [12, 8, 16, 2, 1]],
    ['lm-head', 'forward', [12, 10, 8, 1, 1]],
    ['mlp-down', 'recompute', [12, 8, 16, 2, 1]],
    ['mlp-down.dgrad', 'backward', [12, 16, 8, 2, 1]],
    ['mlp-down.wgrad', 'backward', [16, 8, 12, 2, 1]],
    ['lm-head.wgrad', 'backward', [8, 10, 12, 1, 1]],
  ] as const)('%s (%s) has shape m,n,k,count,batch = %j', (name, phase, expected) => {
    expect(shape(find(gemms, name, phase))).toEqual(expected);
  });

  it('has no recompute phase without recomputation, and no recomputed LM head with it', () => {
    expect(stepGemms({ ...tiny, recompute: false }, 1).some((g) => g.phase === 'recompute')).toBe(false);
    expect(find(gemms, 'lm-head', 'recompute')).toBeUndefined();
  });

  it('pairs every forward GEMM with a dgrad and a wgrad of equal FLOPs', () => {
    for (const f of gemms.filter((g) => g.phase === 'forward')) {
      for (const suffix of ['dgrad', 'wgrad']) {
        const b = find(gemms, `${f.name}.${suffix}`, 'backward');
        expect(b && b.m * b.n * b.k * b.count).toBe(f.m * f.n * f.k * f.count);
      }
    }
  });
});
