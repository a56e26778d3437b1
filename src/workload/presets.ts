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

export const dataParallelWorkloadPresets: readonly WorkloadSpec[] = [
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

/*
 * Published shapes and batches, for the hybrid-parallel model (tp x pp x dp layouts), where the
 * global batch is what the published run trained with, not a per-GPU choice.
 *  llama3-*: "The Llama 3 Herd of Models", arXiv 2407.21783: Table 3 (layers, model and FFN
 *    dimensions, heads, 8 KV heads, SwiGLU, vocabulary 128,256 as released), Section 3.4.1
 *    (sequences of 8,192 tokens, 16M tokens per step = 2,048 sequences; that recipe is the
 *    405B's, applied to the 8B and 70B as the same choice) and Section 3.3.2 (no activation
 *    checkpointing at 8K).
 *  gpt3-175b: Brown et al. 2020, arXiv 2005.14165, Table 2.1 (96 layers, d_model 12,288, 96
 *    heads, 2,048-token context, 3.2M tokens per batch = 1,536 sequences); GELU MLP of 4 d_model;
 *    Megatron-LM's padded vocabulary of 51,200 (Narayanan et al. 2021, Section 5.1).
 *  megatron-1t: Narayanan et al. 2021 (SC'21, arXiv 2104.04473), Table 1's largest run: 1,008B
 *    parameters, 128 layers, hidden 25,600, 160 heads, sequence 2,048, batch 3,072 sequences,
 *    vocabulary 51,200, GELU MLP of 4 hidden (trained there at tp 8 x pp 64 on 3,072 A100s at
 *    163 TFLOP/s per GPU; a validation case in test/helpers/validation-cases.ts).
 */
const llama3Run = {
  vocab: 128_256,
  kvHeads: 8,
  seqLen: 8192,
  dtype: 'bf16',
  recompute: false,
  mlp: 'swiglu',
  globalBatch: { sequences: 2048 },
} as const;

export const publishedWorkloadPresets: readonly WorkloadSpec[] = [
  { name: 'llama3-8b', params: 8_030_261_248, layers: 32, hidden: 4096, ffnHidden: 14_336, heads: 32, ...llama3Run },
  { name: 'llama3-70b', params: 70_553_706_496, layers: 80, hidden: 8192, ffnHidden: 28_672, heads: 64, ...llama3Run },
  {
    name: 'llama3-405b',
    params: 405_853_388_800,
    layers: 126,
    hidden: 16_384,
    ffnHidden: 53_248,
    heads: 128,
    ...llama3Run,
  },
  {
    name: 'gpt3-175b',
    params: 175_000_000_000,
    layers: 96,
    hidden: 12_288,
    ffnHidden: 49_152,
    heads: 96,
    kvHeads: 96,
    vocab: 51_200,
    seqLen: 2048,
    dtype: 'bf16',
    recompute: false,
    mlp: 'gelu',
    globalBatch: { sequences: 1536 },
  },
  {
    name: 'megatron-1t',
    params: 1_008_000_000_000,
    layers: 128,
    hidden: 25_600,
    ffnHidden: 102_400,
    heads: 160,
    kvHeads: 160,
    vocab: 51_200,
    seqLen: 2048,
    dtype: 'bf16',
    recompute: false,
    mlp: 'gelu',
    globalBatch: { sequences: 3072 },
  },
];

/** Every preset: the DP-era ones (8b, 70b, 405b) and the published runs. */
export const workloadPresets: readonly WorkloadSpec[] = [...dataParallelWorkloadPresets, ...publishedWorkloadPresets];

export const workloadPresetNames: readonly string[] = workloadPresets.map((w) => w.name);
