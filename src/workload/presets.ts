import type { WorkloadSpec } from './types.js';

/*
 * Dense Llama-3-shaped models (grouped-query attention with 8 KV heads, SwiGLU MLP, 128,256
 * vocabulary) at a 4,096-token sequence, bf16 with full activation recomputation.
 *
 * The global batch is given per GPU so that it divides every preset cluster exactly
 * (220,000 GPUs, 16, 12). Memory limits the MICRO-batch, not the per-step batch: a GPU runs
 * its per-step batch as several micro-batches with gradient accumulation (docs/model.md). The
 * per-GPU batch is chosen large against the micro-batch caps, so that one sequence is a small
 * fraction (1/32, 1/16) of a GPU's step and the partitioning policies can move work between
 * generations at fine granularity; with 4 or fewer per GPU, integer rounding alone decides the
 * split on colossus-1 (minmax == lockstep). Micro-batch caps on colossus-1 (H100 / H200 / GB200):
 *   8b:   3.75 GB/sequence -> 19 / 35 / 47; 32 per GPU (2 micro-batches on an H100; a V100 32GB
 *         in the 12-GPU lab, micro-batch cap 3, runs 11)
 *   70b:  8.59 GB/sequence -> 8 / 15 / 20;  32 per GPU (4 micro-batches on an H100)
 *   405b: 21.1 GB/sequence -> 2 / 5 / 7;    16 per GPU (8 micro-batches on an H100; half the
 *         70b's sequences, since each costs about 5.6 times the FLOPs, so the step stays within
 *         a few minutes)
 */
const llama3 = { vocab: 128_256, kvHeads: 8, seqLen: 4096, dtype: 'bf16', recompute: true } as const;

export const workloadPresets: readonly WorkloadSpec[] = [
  {
    name: '8b',
    params: 8_030_261_248,
    layers: 32,
    hidden: 4096,
    ffnHidden: 14_336,
    heads: 32,
    ...llama3,
    globalBatch: { sequencesPerGpu: 32 },
  },
  {
    name: '70b',
    params: 70_553_706_496,
    layers: 80,
    hidden: 8192,
    ffnHidden: 28_672,
    heads: 64,
    ...llama3,
    globalBatch: { sequencesPerGpu: 32 },
  },
  {
    name: '405b',
    params: 405_853_388_800,
    layers: 126,
    hidden: 16_384,
    ffnHidden: 53_248,
    heads: 128,
    ...llama3,
    globalBatch: { sequencesPerGpu: 16 },
  },
];

export const workloadPresetNames: readonly string[] = workloadPresets.map((w) => w.name);
