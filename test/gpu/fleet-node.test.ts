import { afterEach, describe, expect, it } from 'vitest';
import { kernelChooser } from '../../src/bench/kernel-choice.js';
import { MIN_STEPS, measureNode } from '../../src/fleet/measure-node.js';
import { buildNodeReport } from '../../src/fleet/node-build.js';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { findViolation } from '../../src/spec/validate.js';
import { loadWorkload } from '../../src/workload/load.js';

/** fleet node's measurement on the real adapter: the sections, and a device lost part-way. */
let gpu: Gpu | null = null;
afterEach(() => {
  if (gpu) closeGpu(gpu);
  gpu = null;
});

const options = { workload: loadWorkload('8b'), chooseKernel: kernelChooser(), durationS: 0.5, stepS: 0.02, reps: 1 };

describe('measureNode', () => {
  it('measures units (speed inside its interval, CV), the roofline and every distinct unit shape', async () => {
    gpu = await openGpu({ onWarning: () => {} });
    const sections: string[] = [];
    const m = await measureNode(gpu, { ...options, onSection: (s) => sections.push(s) });
    expect(m.failure).toBeNull();
    expect(sections).toEqual(['units', 'roofline', 'matmul']);
    const u = m.units;
    expect(u?.stepS.length).toBeGreaterThanOrEqual(MIN_STEPS);
    expect(u?.unitsPerS).toBeGreaterThanOrEqual(u?.interval.lower ?? Infinity);
    expect(u?.unitsPerS).toBeLessThanOrEqual(u?.interval.upper ?? 0);
    expect(u?.gflops).toBeCloseTo(((u?.unitsPerS ?? 0) * (u?.unitFlops ?? 0)) / 1e9, 6);
    const shapes = new Set(m.matmul?.map((x) => `${x.shape.m}x${x.shape.n}x${x.shape.k}`));
    expect(shapes.size).toBe(m.matmul?.length);
    expect(m.matmul?.flatMap((x) => x.gemms).length).toBe(u?.unitGemms);
    const report = buildNodeReport(gpu, { index: 3, gpu: 'h100-sxm' }, '8b', m, 1);
    expect(findViolation('fleet-node', report)).toBeNull();
    expect(report.complete).toBe(true);
  }, 120_000);

  it('a device lost after the units keeps them: complete false, the failure named, later sections null', async () => {
    gpu = await openGpu({ onWarning: () => {} });
    const open = gpu;
    const m = await measureNode(open, {
      ...options,
      onSection: (s) => {
        if (s === 'roofline') open.device.destroy();
      },
    });
    expect(m.failure).not.toBeNull();
    expect(m.units?.stepS.length).toBeGreaterThanOrEqual(MIN_STEPS);
    expect(m.roofline).toBeNull();
    expect(m.matmul).toBeNull();
    const report = buildNodeReport(open, { index: null, gpu: null }, '8b', m, 1);
    expect(report.complete).toBe(false);
    expect(report.failure).toMatch(/./);
    expect(findViolation('fleet-node', report)).toBeNull();
  }, 120_000);
});
