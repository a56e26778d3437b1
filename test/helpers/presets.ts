import { clusterPresets } from '../../src/cluster/presets.js';
import type { ClusterSpec } from '../../src/cluster/types.js';
import { workloadPresets } from '../../src/workload/presets.js';
import type { WorkloadSpec } from '../../src/workload/types.js';

/** A preset by name, failing the test loudly if it is gone. */
export function findWorkload(name: string): WorkloadSpec {
  const w = workloadPresets.find((p) => p.name === name);
  if (!w) throw new Error(`no workload preset ${name}`);
  return w;
}

export function findCluster(name: string): ClusterSpec {
  const c = clusterPresets.find((p) => p.name === name);
  if (!c) throw new Error(`no cluster preset ${name}`);
  return c;
}
