import { describe, expect, it } from 'vitest';
import { activationBytesPerSequence, layerActivationElementsPerToken } from '../src/workload/activations.js';
import type { WorkloadSpec } from '../src/workload/types.js';
import { findWorkload } from './helpers/presets.js';

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
  recompute: false,
};

describe('activation memory per sequence', () => {
  it('counts 6h + 2kv + 3f elements per token and layer', () => {
    expect(layerActivationElementsPerToken(tiny)).toBe(6 * 8 + 2 * 4 + 3 * 16);
  });

  it.each([
    // s * (L * A * 2 + 4 V) = 4 * (2 * 104 * 2 + 40)
    ['without recomputation', false, 4 * (2 * 104 * 2 + 40)],
    // s * ((L * h + A) * 2 + 4 V) = 4 * ((16 + 104) * 2 + 40)
    ['with recomputation', true, 4 * ((2 * 8 + 104) * 2 + 40)],
  ] as const)('tiny model %s', (_label, recompute, bytes) => {
    expect(activationBytesPerSequence({ ...tiny, recompute })).toBe(bytes);
  });

  it('70b at 4,096 tokens with recomputation holds 8.59 GB per sequence', () => {
    // A = 6*8192 + 2*1024 + 3*28672 = 137,216; kept = 80*8192 + A = 792,576 elements per token
    expect(activationBytesPerSequence(findWorkload('70b'))).toBe(4096 * (792_576 * 2 + 4 * 128_256));
  });

  it('recomputation cuts 70b activations by an order of magnitude', () => {
    const w = findWorkload('70b');
    expect(activationBytesPerSequence({ ...w, recompute: false }) / activationBytesPerSequence(w)).toBeGreaterThan(10);
  });
});
