/**
 * A cluster spec: groups of one GPU generation each, with their scale-up domain and
 * scale-out bandwidth.
 *
 * Units are in the names: S = seconds, GB = 1e9 bytes, TBs = 1e12 bytes/s, GBs = 1e9 bytes/s,
 * Tflops = 1e12 FLOP/s.
 */

export interface ClusterGroup {
  /** GpuSpec.id */
  readonly gpu: string;
  readonly count: number;
  /** GPUs per scale-up domain (8 for HGX, 72 for NVL72, 1 for PCIe cards). */
  readonly scaleUpDomain: number;
  /** Scale-out (InfiniBand/Ethernet) bandwidth per GPU, GB/s one direction. */
  readonly scaleOutGBs: number;
}

export interface ClusterSpec {
  readonly name: string;
  readonly description?: string;
  readonly groups: readonly ClusterGroup[];
}
