import type { GpuSpec } from '../../src/hardware/types.js';
import type { ClassCost, ClusterModel } from '../../src/model/types.js';

/** One hand-made class: affine time a + c*b (or a custom curve), a per-GPU memory cap (no accumulation: micro-batch cap = cap). */
export interface ClassSpec {
  readonly id: string;
  readonly count: number;
  readonly a: number;
  readonly c: number;
  readonly cap: number;
  readonly peakTflops?: number;
  readonly scaleOutGBs?: number;
  readonly timeS?: (b: number) => number;
}

export interface ModelSpec {
  readonly globalBatch: number;
  readonly allReduceS?: number;
  readonly overlap?: number;
  readonly name?: string;
}

/** A ClusterModel built by hand, so policies and the simulator are tested without issue 4's model. */
export function makeModel(classes: readonly ClassSpec[], spec: ModelSpec): ClusterModel {
  const source = { url: 'test' };
  const costs: ClassCost[] = classes.map((k, index) => {
    const gpu: GpuSpec = {
      id: k.id,
      name: k.id,
      vendor: 'nvidia',
      bf16DenseTflops: k.peakTflops ?? 1000,
      fp32Tflops: 60,
      memoryGB: 80,
      memoryBandwidthTBs: 3,
      scaleUpGBs: 450,
      tdpW: 700,
      sources: {
        bf16DenseTflops: source,
        fp32Tflops: source,
        memoryGB: source,
        memoryBandwidthTBs: source,
        scaleUpGBs: source,
        tdpW: source,
      },
    };
    const timeS = k.timeS ?? ((b: number) => (b > 0 ? k.a + k.c * b : 0));
    return {
      index,
      gpu,
      count: k.count,
      timeS,
      fixedS: k.a,
      perSequenceS: k.c,
      microBatchCap: k.cap,
      memoryCapSequences: k.cap,
      peakFlops: (k.peakTflops ?? 1000) * 1e12,
    };
  });
  return {
    cluster: {
      name: spec.name ?? 'test',
      groups: classes.map((k) => ({ gpu: k.id, count: k.count, scaleUpDomain: 8, scaleOutGBs: k.scaleOutGBs ?? 50 })),
    },
    workload: {
      name: 'test',
      params: 1e9,
      layers: 2,
      hidden: 64,
      ffnHidden: 256,
      heads: 2,
      kvHeads: 2,
      vocab: 100,
      seqLen: 1024,
      globalBatch: { sequences: spec.globalBatch },
      dtype: 'bf16',
      recompute: false,
    },
    classes: costs,
    gpus: classes.reduce((a, k) => a + k.count, 0),
    globalBatch: spec.globalBatch,
    tokensPerSequence: 1024,
    flopsPerSequence: 6 * 1e9 * 1024,
    allReduceS: spec.allReduceS ?? 0,
    overlap: spec.overlap ?? 0,
  };
}

/** A colossus-like mix (H100 : H200 : GB200 = 150 : 50 : 20) scaled to `gpus`, synthetic costs. */
export function colossusLike(
  gpus: number,
  perGpu = 4,
  opts: { allReduceS?: number; overlap?: number } = {},
): ClusterModel {
  const h100 = Math.round((gpus * 150) / 220);
  const h200 = Math.round((gpus * 50) / 220);
  const gb200 = gpus - h100 - h200;
  return makeModel(
    [
      { id: 'h100', count: h100, a: 0.05, c: 1.0, cap: 6, peakTflops: 989, scaleOutGBs: 50 },
      { id: 'h200', count: h200, a: 0.05, c: 0.8, cap: 10, peakTflops: 989, scaleOutGBs: 50 },
      { id: 'gb200', count: gb200, a: 0.04, c: 0.4, cap: 12, peakTflops: 2500, scaleOutGBs: 100 },
    ],
    {
      globalBatch: gpus * perGpu,
      allReduceS: opts.allReduceS ?? 0.3,
      overlap: opts.overlap ?? 0.5,
      name: `colossus-like-${gpus}`,
    },
  );
}
