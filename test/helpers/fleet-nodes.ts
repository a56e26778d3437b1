import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeUnits } from '../../src/fleet/measure-node.js';
import type { FleetNodeReport } from '../../src/fleet/node-report.js';
import { createRng } from '../../src/stats/rng.js';

/**
 * A node file as `fleet node` writes it, with a given speed: `steps` step times of `unitsPerStep`
 * units at `unitsPerS`, each scaled by 1 + cv * (uniform - 0.5) * sqrt(12) (seeded by the name).
 */
export function syntheticNode(
  name: string,
  unitsPerS: number,
  options: { gpu?: string | null; cv?: number; steps?: number; version?: string; workload?: string } = {},
): FleetNodeReport {
  const rng = createRng([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
  const unitsPerStep = 10;
  const cv = options.cv ?? 0.02;
  const stepS = Array.from(
    { length: options.steps ?? 20 },
    () => (unitsPerStep / unitsPerS) * (1 + cv * (rng.open() - 0.5) * Math.sqrt(12)),
  );
  return {
    tool: 'hetbench',
    kind: 'fleet-node',
    schemaVersion: 1,
    hetbenchVersion: options.version ?? '0.1.0',
    complete: true,
    failure: null,
    node: { name, index: null, gpu: options.gpu === undefined ? 'h100-sxm' : options.gpu },
    host: { hostname: name, cpu: 'test', cores: 2, os: 'linux', node: 'v20', webgpu: '0' },
    adapter: {
      vendor: 'nvidia',
      architecture: 'hopper',
      device: 'h100',
      description: 'NVIDIA H100',
      isFallbackAdapter: false,
      backend: 'vulkan',
    },
    timing: 'gpu-timestamp',
    workload: options.workload ?? '70b',
    roofline: null,
    matmul: null,
    units: summarizeUnits(stepS, unitsPerStep, 1e9, 24),
    wallS: 1,
  };
}

/** Writes node reports into `dir` as node-I.json; returns the paths. */
export function writeNodes(dir: string, nodes: readonly FleetNodeReport[]): string[] {
  return nodes.map((n, i) => {
    const path = join(dir, `node-${i}.json`);
    writeFileSync(path, `${JSON.stringify(n)}\n`);
    return path;
  });
}
