import { readJsonFile } from '../spec/read-json-file.js';
import { parseWorkloadSpec } from './parse.js';
import { workloadPresetNames, workloadPresets } from './presets.js';
import type { WorkloadSpec } from './types.js';

/** A preset name ('8b', '70b', '405b'), else the path of a workload JSON file. */
export function loadWorkload(nameOrFile: string): WorkloadSpec {
  const preset = workloadPresets.find((w) => w.name === nameOrFile.toLowerCase());
  if (preset) return preset;
  return parseWorkloadSpec(readJsonFile(nameOrFile, 'workload', workloadPresetNames), nameOrFile);
}
