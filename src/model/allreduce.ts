/**
 * Gradient all-reduce as a hierarchical ring (NCCL's usual shape for large messages):
 *   1. reduce-scatter inside each scale-up domain (NVLink):   (d-1)/d * M / B_up
 *   2. ring all-reduce of each GPU's M/d shard across the D domains over scale-out links
 *   3. all-gather inside each scale-up domain:                 (d-1)/d * M / B_up
 * plus 2(n-1) link latencies for each ring of n members.
 *
 * Mixed groups: every domain must finish its phases, so the intra-domain time is the worst
 * group's. Across domains the ring moves 2(D-1)/D * M bytes through each domain, which the
 * domain's d GPUs send over d scale-out links in parallel: the slowest domain is the one with
 * the least d * B_out, and it bounds the ring ("the slowest link the ring crosses").
 */
export interface RingGroup {
  readonly count: number;
  readonly scaleUpDomain: number;
  /** Intra-domain link bandwidth per GPU, GB/s one direction (NVLink; scale-out when the GPU has none). */
  readonly scaleUpGBs: number;
  /** Scale-out bandwidth per GPU, GB/s one direction. */
  readonly scaleOutGBs: number;
}

/** Per-hop latencies of the two kinds of ring, seconds. */
export interface RingLatency {
  readonly scaleUpS: number;
  readonly scaleOutS: number;
}

/** An NVLink hop and one scale-out (NIC + switch) hop. */
export const RING_LATENCY: RingLatency = { scaleUpS: 2e-6, scaleOutS: 5e-6 };

/** Plain ring all-reduce of `bytes` over `n` members on links of `bandwidthGBs`: 2(n-1)/n * M / B + 2(n-1) * latency. */
export function ringAllReduceS(bytes: number, n: number, bandwidthGBs: number, latencyS: number): number {
  if (n <= 1) return 0;
  return ((2 * (n - 1)) / n) * (bytes / (bandwidthGBs * 1e9)) + 2 * (n - 1) * latencyS;
}

export interface AllReduceBreakdown {
  /** Reduce-scatter + all-gather inside the domains, the slowest group's. */
  readonly intraDomainS: number;
  /** Ring across the scale-up domains. */
  readonly interDomainS: number;
  readonly totalS: number;
  /** Number of scale-up domains the inter-domain ring crosses. */
  readonly domains: number;
  /** Index of the group whose domains bound the inter-domain ring (least d * B_out); -1 with one domain. */
  readonly bottleneckGroup: number;
}

export function hierarchicalAllReduce(
  bytes: number,
  groups: readonly RingGroup[],
  latency: RingLatency = RING_LATENCY,
): AllReduceBreakdown {
  let intraDomainS = 0;
  let domains = 0;
  let slowestDomainGBs = Infinity;
  let bottleneckGroup = -1;
  groups.forEach((g, i) => {
    const d = Math.min(g.scaleUpDomain, g.count);
    // reduce-scatter then all-gather: together the same bytes as one ring all-reduce over d
    intraDomainS = Math.max(intraDomainS, ringAllReduceS(bytes, d, g.scaleUpGBs, latency.scaleUpS));
    domains += Math.ceil(g.count / d);
    if (d * g.scaleOutGBs < slowestDomainGBs) {
      slowestDomainGBs = d * g.scaleOutGBs;
      bottleneckGroup = i;
    }
  });
  const interDomainS = domains > 1 ? ringAllReduceS(bytes, domains, slowestDomainGBs, latency.scaleOutS) : 0;
  return {
    intraDomainS,
    interDomainS,
    totalS: intraDomainS + interDomainS,
    domains,
    bottleneckGroup: domains > 1 ? bottleneckGroup : -1,
  };
}
