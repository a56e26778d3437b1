/** The local device's measured roofline (hetbench probe). */
export interface Roofline {
  readonly fmaF32Gflops: number;
  readonly fmaF16Gflops: number | null;
  readonly bandwidthGBs: number;
}
