/**
 * The GPU catalog's types: one generation's datasheet numbers, each with its source.
 *
 * Units are in the names: S = seconds, GB = 1e9 bytes, TBs = 1e12 bytes/s, GBs = 1e9 bytes/s,
 * Tflops = 1e12 FLOP/s.
 */

/** Where a catalog number comes from: a datasheet URL or document, with a short note. */
export interface Source {
  readonly url: string;
  readonly note?: string;
}

export interface GpuSpec {
  /** Catalog key, lower-case: 'h100-sxm', 'h200-sxm', 'gb200', ... */
  readonly id: string;
  readonly name: string;
  readonly vendor: 'nvidia' | 'amd' | 'intel' | 'other';
  /** Dense (never sparse) BF16/FP16 tensor throughput. */
  readonly bf16DenseTflops: number;
  readonly fp32Tflops: number;
  readonly memoryGB: number;
  readonly memoryBandwidthTBs: number;
  /** Per-GPU scale-up (NVLink/Infinity Fabric) bandwidth, one direction; null for PCIe-only cards. */
  readonly scaleUpGBs: number | null;
  readonly tdpW: number;
  /** Source of every number above, keyed by field name. */
  readonly sources: Readonly<
    Record<'bf16DenseTflops' | 'fp32Tflops' | 'memoryGB' | 'memoryBandwidthTBs' | 'scaleUpGBs' | 'tdpW', Source>
  >;
}
