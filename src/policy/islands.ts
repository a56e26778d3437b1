import type { ClusterModel } from '../model/types.js';
import type { Policy, PolicyContext } from './policy.js';
import { lockstepAllocation } from './lockstep.js';

/**
 * Islands: each generation trains as its own homogeneous job, the "build homogeneous clusters"
 * alternative. Each island keeps lockstep's per-GPU batch (so its hyper-parameters match the
 * synchronous job's per-GPU work), so the allocation is lockstep's; the difference is in the
 * composition (sim/compose composeIslands): no cross-generation barrier, and each island runs
 * its own, smaller all-reduce. Its costs: the islands train separate replicas (one model's
 * progress is one island's, not the cluster's), and each island's all-reduce runs over its own
 * links.
 */
export const islands: Policy = {
  name: 'islands',
  summary: 'each generation a separate homogeneous job (no cross-generation sync)',
  kind: 'islands',
  allocate: (ctx: PolicyContext) => lockstepAllocation(ctx.model),
};

/**
 * Each island's all-reduce seconds. A ring all-reduce of M bytes over n workers takes
 * 2(n-1)/n * M / (slowest link) + latency terms; at island sizes in the thousands 2(n-1)/n is 2
 * for the whole cluster and for each island alike, so the time scales with the inverse of the
 * slowest link. The cluster's ring runs at its slowest generation's scale-out bandwidth; an
 * island's at its own. This derives each island's time from the model's cluster-wide figure
 * without re-deriving the network model. Pass exact per-island figures to composeIslands when a
 * runner has them.
 */
export function islandAllReduceS(model: ClusterModel): number[] {
  const groups = model.cluster.groups;
  const bw = model.classes.map((c) => groups[c.index]?.scaleOutGBs ?? 0);
  const positive = bw.filter((b) => b > 0);
  const slowest = positive.length > 0 ? Math.min(...positive) : 0;
  return model.classes.map((c, i) => {
    if (c.count <= 1) return 0;
    const b = bw[i] ?? 0;
    return b > 0 && slowest > 0 ? (model.allReduceS * slowest) / b : model.allReduceS;
  });
}
