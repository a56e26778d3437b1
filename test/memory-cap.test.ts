import { describe, expect, it } from 'vitest';
import { findGpu } from '../src/hardware/catalog.js';
import { memoryBreakdown, WORKSPACE_RESERVE_BYTES } from '../src/model/memory-cap.js';
import { findWorkload } from './helpers/presets.js';

describe('memory-limited batch per GPU', () => {
  it('70b on 220,000 H100s: 8 sequences (hand-computed)', () => {
    const w = findWorkload('70b');
    const states = (16 * 70_553_706_496) / 220_000; // 5.1 MB: FSDP shards 1.13 TB over every GPU
    const gathered = 3 * 128_256 * 8192 * 2; // the LM head (1.05 B params) is larger than a layer (0.86 B)
    const free = 80e9 - WORKSPACE_RESERVE_BYTES - states - gathered; // 69.69 GB
    const perSequence = 4096 * (792_576 * 2 + 4 * 128_256); // 8.59 GB
    const m = memoryBreakdown(findGpu('h100-sxm'), w, 220_000);
    expect(m.freeBytes).toBeCloseTo(free, 0);
    expect(m.capSequences).toBe(Math.floor(free / perSequence));
    expect(m.capSequences).toBe(8);
  });

  it.each([
    ['h100-sxm', '70b', 16, 0], // 70.6 GB of sharded states leave no room on 16 GPUs
    ['v100-sxm2-32gb', '8b', 12, 3],
    ['h200-sxm', '70b', 220_000, 15],
    ['gb200', '405b', 220_000, 7],
    ['h100-sxm', '405b', 220_000, 2],
  ])('%s with %s on %d GPUs holds %d sequences', (gpu, workload, n, cap) => {
    expect(memoryBreakdown(findGpu(gpu), findWorkload(workload), n).capSequences).toBe(cap);
  });

  it('grows as the states are sharded over more GPUs', () => {
    const w = findWorkload('8b');
    expect(memoryBreakdown(findGpu('a100-sxm-80gb'), w, 8).capSequences).toBeLessThan(
      memoryBreakdown(findGpu('a100-sxm-80gb'), w, 800).capSequences,
    );
  });
});
