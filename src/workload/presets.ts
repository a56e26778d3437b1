import type { WorkloadSpec } from '../model/types.js';

/*
 * Dense Llama-3-shaped models (grouped-query attention with 8 KV heads, SwiGLU MLP, 128,256
 * vocabulary) at a 4,096-token sequence, bf16 with full activation recomputation.
 *
 * The global batch is given per GPU so that it divides every preset cluster exactly
 * (220,000 GPUs, 16, 12). Each per-GPU batch fits an H100 80GB with room to spare (see
 * docs/model.md: memory cap), which leaves the partitioning policies room to give faster
 * generations more than an equal share:
 *   8b:   3.75 GB/sequence -> H100 cap 19 on colossus-1; 2 per GPU, so that even a V100 32GB
 *         in the 12-GPU lab (cap 3, where each GPU holds 1/12 of the 128 GB of model states) fits
 *   70b:  8.59 GB/sequence -> H100 cap 8; 4 per GPU
 *   405b: 21.1 GB/sequence -> H100 cap 2; 1 per GPU (the least pure data parallelism allows)
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
    globalBatch: { sequencesPerGpu: 2 },
  },
  {
    name: '70b',
    params: 70_553_706_496,
    layers: 80,
    hidden: 8192,
    ffnHidden: 28_672,
    heads: 64,
    ...llama3,
    globalBatch: { sequencesPerGpu: 4 },
  },
  {
    name: '405b',
    params: 405_853_388_800,
    layers: 126,
    hidden: 16_384,
    ffnHidden: 53_248,
    heads: 128,
    ...llama3,
    globalBatch: { sequencesPerGpu: 1 },
  },
];

export const workloadPresetNames: readonly string[] = workloadPresets.map((w) => w.name);
