import { allReduceBreakdown } from '../model/cluster-model.js';
import type { ClusterModel } from '../model/types.js';
import { lockstepAllocation } from './lockstep.js';
import type { IslandsPolicy, PolicyContext } from './policy.js';

/**
 * Islands: each generation trains as its own homogeneous job, the "build homogeneous clusters"
 * alternative. Each island keeps lockstep's per-GPU batch (so its hyper-parameters match the
 * synchronous job's per-GPU work), so the allocation is lockstep's; the difference is in the
 * composition (sim/compose, islands sync): no cross-generation barrier, and each island runs
 * its own, smaller all-reduce. Its costs: the islands train separate replicas (one model's
 * progress is one island's, not the cluster's), and each island's all-reduce runs over its own
 * links.
 */
export const islands: IslandsPolicy = {
  name: 'islands',
  summary: 'each generation a separate homogeneous job (no cross-generation sync)',
  kind: 'islands',
  allocate: (ctx: PolicyContext) => lockstepAllocation(ctx.model),
  islandAllReduceS: (model: ClusterModel) => islandAllReduceS(model),
};

/**
 * Each island's own all-reduce seconds: the cluster model's hierarchical ring run over the
 * island's group alone (its own scale-up domains and scale-out links, its own ring length), so
 * islands pay neither the slowest generation's links nor the whole cluster's ring latency.
 */
export function islandAllReduceS(model: ClusterModel): number[] {
  if (model.islandAllReduceS) return [...model.islandAllReduceS];
  return model.classes.map((c) => {
    const group = model.cluster.groups[c.index];
    if (!group || c.count <= 1) return 0;
    return allReduceBreakdown(
      { name: `${model.cluster.name}/${c.gpu.id}`, groups: [{ ...group, count: c.count }] },
      model.workload,
      [c.gpu],
    ).totalS;
  });
}
