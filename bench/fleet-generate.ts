import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeUnits } from '../src/fleet/measure-node.js';
import type { FleetNodeReport } from '../src/fleet/node-report.js';
import { createRng } from '../src/stats/rng.js';

/**
 * Node files as `fleet node` writes them, for the merge's scale measurement: `nodes` nodes of
 * two generations (3 : 1), 2% step noise, one node in 500 at 60% speed; each with `steps` step
 * times, a roofline and one matmul entry, so a file is the size of a real one (~2.4 KiB at 40
 * steps). Nodes are numbered from `first`, so racks generated apart never share a name.
 */
export function generateNodeFiles(dir: string, nodes: number, first = 0, steps = 40): string[] {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(first + 1);
  const files: string[] = [];
  for (let i = first; i < first + nodes; i++) {
    const gpu = i % 4 === 3 ? 'a100-sxm-80gb' : 'h100-sxm';
    const base = (gpu === 'h100-sxm' ? 400 : 140) * (i % 500 === 7 ? 0.6 : 1) * (1 + 0.01 * rng.normal());
    const stepS = Array.from({ length: steps }, () => (20 / base) * Math.max(0.5, 1 + 0.02 * rng.normal()));
    const report: FleetNodeReport = {
      tool: 'hetbench',
      kind: 'fleet-node',
      schemaVersion: 1,
      hetbenchVersion: '0.1.0',
      complete: true,
      failure: null,
      node: { name: `gpu-node-${String(i).padStart(6, '0')}`, index: i, gpu },
      host: {
        hostname: `gpu-node-${i}`,
        cpu: 'AMD EPYC 9654',
        cores: 192,
        os: 'linux 6.8',
        node: 'v20',
        webgpu: '0.6.2',
      },
      adapter: {
        vendor: 'nvidia',
        architecture: gpu === 'h100-sxm' ? 'hopper' : 'ampere',
        device: gpu,
        description: gpu === 'h100-sxm' ? 'NVIDIA H100 80GB HBM3' : 'NVIDIA A100-SXM4-80GB',
        isFallbackAdapter: false,
        backend: 'vulkan',
      },
      timing: 'gpu-timestamp',
      workload: '70b',
      roofline: { fmaF32Gflops: 51_000, fmaF16Gflops: 200_000, bandwidthGBs: 3000, method: 'gpu-timestamp' },
      matmul: [
        {
          gemms: ['qkv-proj'],
          shape: { m: 2048, n: 1280, k: 1024 },
          kernel: 'f32-w8x8-r4x4',
          medianS: 0.0002,
          gflops: 26_000,
          fractionOfPeak: 0.51,
        },
      ],
      units: summarizeUnits(stepS, 20, 6.4e10, 24),
      wallS: 12,
    };
    const path = join(dir, `node-${i}.json`);
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    files.push(path);
  }
  return files;
}
