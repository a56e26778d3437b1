import clusterSchema from '../../schemas/cluster.schema.json' with { type: 'json' };
import type { GpuSpec } from '../hardware/types.js';
import { nearestNames } from '../spec/nearest-names.js';
import { specError, validate } from '../spec/validate.js';
import { type GpuEntry, mergeGpus, resolveSpecGpus } from './parse-gpus.js';
import type { ClusterGroup, ClusterSpec } from './types.js';

/**
 * Sanity caps. The schema is their source (the largest clusters built are a few 100,000 GPUs;
 * 10^7 leaves headroom); the total is a cross-field rule the schema cannot say.
 */
const groupLimits = clusterSchema.$defs.group.properties;
export const CLUSTER_LIMITS = {
  countPerGroup: groupLimits.count.maximum,
  totalGpus: 10_000_000,
  groups: clusterSchema.properties.groups.maxItems,
  scaleUpDomain: groupLimits.scaleUpDomain.maximum,
  scaleOutGBs: groupLimits.scaleOutGBs.maximum,
} as const;

/** A cluster spec file as schemas/cluster.schema.json admits it. */
export interface ClusterSpecFile {
  readonly $schema?: string;
  readonly name: string;
  readonly description?: string;
  readonly gpus?: readonly GpuEntry[];
  readonly groups: readonly ClusterGroup[];
}

/**
 * Validates a cluster spec (parsed JSON): the schema first (structure, types, ranges), then
 * what it cannot say. Returns the cluster and the GPU list to resolve its groups against (the
 * catalog merged with the spec's own `gpus`). Throws only SpecError, naming the JSON path, the
 * value and what is allowed; an unknown GPU lists the nearest names. A generation appears in
 * one group only (duplicates would split one class in two).
 */
export function parseClusterSpec(json: unknown, source?: string): { cluster: ClusterSpec; gpus: GpuSpec[] } {
  const file = validate<ClusterSpecFile>('cluster', json, source === undefined ? {} : { source });
  const gpus = mergeGpus(resolveSpecGpus(file.gpus ?? [], source, source ?? file.name));
  const groups: ClusterGroup[] = [];
  let total = 0;
  file.groups.forEach((g, i) => {
    const path = `$.groups[${i}]`;
    if (!gpus.some((known) => known.id === g.gpu)) {
      const ids = gpus.map((known) => known.id);
      throw specError(
        source,
        `${path}.gpu`,
        g.gpu,
        `is not a known GPU; nearest: ${nearestNames(g.gpu, ids).join(', ')}. Add it under $.gpus to define a new one.`,
      );
    }
    const previous = groups.findIndex((other) => other.gpu === g.gpu);
    if (previous >= 0)
      throw specError(
        source,
        `${path}.gpu`,
        g.gpu,
        `duplicates $.groups[${previous}]; give each GPU generation one group (add the counts).`,
      );
    total += g.count;
    if (total > CLUSTER_LIMITS.totalGpus)
      throw specError(
        source,
        `${path}.count`,
        g.count,
        `brings the cluster to ${total.toLocaleString('en-US')} GPUs; at most ${CLUSTER_LIMITS.totalGpus.toLocaleString('en-US')} in all.`,
      );
    groups.push({ gpu: g.gpu, count: g.count, scaleUpDomain: g.scaleUpDomain, scaleOutGBs: g.scaleOutGBs });
  });
  const cluster: ClusterSpec =
    file.description === undefined
      ? { name: file.name, groups }
      : { name: file.name, description: file.description, groups };
  return { cluster, gpus };
}
