import { describe, expect, it } from 'vitest';
import { flopsPerSequence, gemmFlops, gradientBytes, stepGemms } from '../src/workload/gemms.js';
import { workloadPresets } from '../src/workload/presets.js';
import { paramsFromShape } from '../src/workload/shape.js';
import type { WorkloadSpec } from '../src/workload/types.js';

// 2 layers, h = 8, f = 16, 2 heads of width 4, 1 KV head, vocab 10, 4 tokens per sequence.
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

describe('FLOPs per token', () => {
  it('matches a hand count for a tiny model', () => {
    // forward per token, per layer: qkv 2*8*16 = 256, out 2*8*8 = 128, gate+up 2*8*32 = 512,
    // down 2*16*8 = 256, attention scores + context 2 * (2*4*4) * 2 heads = 128 -> 1280;
    // 2 layers = 2560, LM head 2*8*10 = 160 -> 2720 forward; x3 with backward = 8160 per token.
    expect(flopsPerSequence(tiny)).toBe(8160 * 4);
    expect(paramsFromShape(tiny)).toBe(2 * (8 * 8 * 2 + 2 * 8 * 4 + 3 * 8 * 16 + 2 * 8) + 2 * 10 * 8 + 8);
  });

  it.each(workloadPresets.map((w) => [w.name, w] as const))(
    '%s: equals 6 N_gemm + 12 L h s per token exactly, and 6N + 12 L h s within the embedding',
    (_name, w) => {
      const gemmParams = paramsFromShape(w) - w.vocab * w.hidden - (2 * w.layers + 1) * w.hidden; // minus input embedding and norm weights
      const perToken = flopsPerSequence(w) / w.seqLen;
      const attention = 12 * w.layers * w.hidden * w.seqLen;
      expect(perToken / (6 * gemmParams + attention)).toBeCloseTo(1, 12);
      const textbook = 6 * w.params + attention;
      expect(Math.abs(perToken - textbook) / textbook).toBeLessThan(0.07);
    },
  );

  it('adds one extra forward of the layers with recomputation, not of the LM head', () => {
    const withRecompute = gemmFlops(stepGemms({ ...tiny, recompute: true }, 1));
    expect(withRecompute - flopsPerSequence(tiny)).toBe(2560 * 4);
  });

  it.each([1, 3, 8])('scales linearly with the micro-batch (%d sequences)', (b) => {
    expect(gemmFlops(stepGemms(tiny, b))).toBe(b * flopsPerSequence(tiny));
  });

  it('sizes the gradient all-reduce at one bf16 value per parameter', () => {
    expect(gradientBytes(tiny)).toBe(2 * 1352);
    expect(gradientBytes({ ...tiny, dtype: 'fp32' })).toBe(4 * 1352);
  });
});
