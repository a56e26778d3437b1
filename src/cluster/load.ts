import { catalog } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { readJsonFile } from '../spec/read-json-file.js';
import { parseClusterSpec } from './parse.js';
import { clusterPresetNames, clusterPresets } from './presets.js';
import type { ClusterSpec } from './types.js';

/**
 * A preset name ('colossus-1', ...), else the path of a cluster JSON file. Returns the GPU
 * list to resolve its groups against (the catalog, plus the file's own GPUs).
 */
export function loadCluster(nameOrFile: string): { cluster: ClusterSpec; gpus: readonly GpuSpec[] } {
  const preset = clusterPresets.find((c) => c.name === nameOrFile.toLowerCase());
  if (preset) return { cluster: preset, gpus: catalog };
  return parseClusterSpec(readJsonFile(nameOrFile, 'cluster', clusterPresetNames), nameOrFile);
}
