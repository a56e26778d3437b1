import type { GpuSpec } from '../hardware/types.js';
import { JsonReader } from '../spec/json-reader.js';
import { nearestNames } from '../spec/nearest-names.js';
import { mergeGpus, parseSpecGpus } from './parse-gpus.js';
import type { ClusterGroup, ClusterSpec } from './types.js';

/** Sanity caps: the largest clusters built are a few 100,000 GPUs; 10^7 leaves headroom. */
export const CLUSTER_LIMITS = {
  countPerGroup: 10_000_000,
  totalGpus: 10_000_000,
  groups: 64,
  scaleUpDomain: 1024,
  scaleOutGBs: 10_000,
} as const;

/**
 * Validates a cluster spec (parsed JSON). Returns the cluster and the GPU list to resolve its
 * groups against (the catalog merged with the spec's own `gpus`). Throws only SpecError,
 * naming the JSON path, the value and what is allowed; an unknown GPU lists the nearest names.
 * A generation appears in one group only (duplicates would split one class in two).
 */
export function parseClusterSpec(json: unknown, source?: string): { cluster: ClusterSpec; gpus: GpuSpec[] } {
  const r = new JsonReader(source);
  const o = r.object('$', json, ['name', 'groups'], ['$schema', 'description', 'gpus']);
  if (o['$schema'] !== undefined) r.string('$.$schema', o['$schema'], 500);
  const name = r.string('$.name', o['name'], 100);
  const description = o['description'] === undefined ? undefined : r.string('$.description', o['description'], 1000);
  const gpus = mergeGpus(o['gpus'] === undefined ? [] : parseSpecGpus(r, o['gpus'], source ?? name));
  const L = CLUSTER_LIMITS;
  const rawGroups = r.array('$.groups', o['groups'], 1, L.groups);
  const groups: ClusterGroup[] = [];
  let total = 0;
  rawGroups.forEach((entry, i) => {
    const path = `$.groups[${i}]`;
    const g = r.object(path, entry, ['gpu', 'count', 'scaleUpDomain', 'scaleOutGBs']);
    const gpu = r.string(`${path}.gpu`, g['gpu'], 64);
    if (!gpus.some((known) => known.id === gpu)) {
      const ids = gpus.map((known) => known.id);
      r.fail(
        `${path}.gpu`,
        gpu,
        `is not a known GPU; nearest: ${nearestNames(gpu, ids).join(', ')}. Add it under $.gpus to define a new one.`,
      );
    }
    const previous = groups.findIndex((other) => other.gpu === gpu);
    if (previous >= 0)
      r.fail(
        `${path}.gpu`,
        gpu,
        `duplicates $.groups[${previous}]; give each GPU generation one group (add the counts).`,
      );
    const count = r.integer(`${path}.count`, g['count'], 1, L.countPerGroup);
    const scaleUpDomain = r.integer(`${path}.scaleUpDomain`, g['scaleUpDomain'], 1, L.scaleUpDomain);
    const scaleOutGBs = r.number(`${path}.scaleOutGBs`, g['scaleOutGBs'], 0, L.scaleOutGBs, true);
    total += count;
    if (total > L.totalGpus)
      r.fail(
        `${path}.count`,
        count,
        `brings the cluster to ${total.toLocaleString('en-US')} GPUs; at most ${L.totalGpus.toLocaleString('en-US')} in all.`,
      );
    groups.push({ gpu, count, scaleUpDomain, scaleOutGBs });
  });
  const cluster: ClusterSpec = description === undefined ? { name, groups } : { name, description, groups };
  return { cluster, gpus };
}
