/** What the adapter says of itself: the identity every report and tuning-cache key records. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
  readonly backend: string;
}
