import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGpu, type Gpu, openGpu } from '../../src/gpu/open.js';
import { autotune } from '../../src/kernels/autotune.js';
import { candidateConfigs } from '../../src/kernels/candidates.js';
import { shapeClass } from '../../src/kernels/shape-class.js';
import { configName } from '../../src/kernels/tiled.js';
import { CACHE_FILE, tuneKey } from '../../src/kernels/tune-cache.js';

let gpu: Gpu;
let dir: string;
beforeAll(async () => {
  gpu = await openGpu({ onWarning: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'hetbench-tune-'));
});
afterAll(() => {
  closeGpu(gpu);
  rmSync(dir, { recursive: true, force: true });
});

// A small class keeps GPU time low; three candidates of the software list.
const shape = { m: 100, n: 120, k: 90 };
const candidates = () => candidateConfigs('f32', gpu).slice(0, 3);

describe('autotune', () => {
  it('picks one of the two fastest verified candidates (after their play-off), stores it, and the next call reads the cache', async () => {
    const first = await autotune(gpu, shape, 'f32', { cacheDir: dir, candidates: candidates(), reps: 2 });
    expect(first.fromCache).toBe(false);
    expect(first.table.length).toBe(3);
    expect(first.table.every((r) => r.verified && r.gflops !== null && r.gflops > 0)).toBe(true);
    const ranked = [...first.table].sort((a, b) => (b.gflops ?? 0) - (a.gflops ?? 0));
    expect(ranked.slice(0, 2).map((r) => r.config)).toContain(first.kernel.name);
    expect(first.gflops).toBeGreaterThan(0);
    const again = await autotune(gpu, shape, 'f32', { cacheDir: dir, candidates: candidates() });
    expect(again.fromCache).toBe(true);
    expect(again.kernel.name).toBe(first.kernel.name);
  });

  it('respects its budget: with none left, only the first candidate is verified and timed', async () => {
    const r = await autotune(gpu, shape, 'f32', { cacheDir: null, candidates: candidates(), budgetS: 0, reps: 1 });
    expect(r.table.filter((row) => row.verified).length).toBe(1);
    expect(r.table.slice(1).every((row) => row.note === 'skipped: time budget spent')).toBe(true);
    expect(r.kernel.name).toBe(configName(candidates()[0] ?? (null as never)));
  });

  it('does not trust a cached config outside the verified candidate space: it tunes again', async () => {
    const key = tuneKey(gpu, 'f32', shapeClass(shape));
    const forged = {
      config: 'f32-w1x1-r1x4-v1-k1',
      gflops: 1e9,
      shape: { m: 128, n: 128, k: 128 },
      tunedAt: new Date().toISOString(),
    };
    const forgedDir = join(dir, 'forged');
    rmSync(forgedDir, { recursive: true, force: true });
    mkdirSync(forgedDir);
    writeFileSync(
      join(forgedDir, CACHE_FILE),
      JSON.stringify({ format: 'hetbench-tune-cache', version: 1, entries: { [key]: forged } }),
    );
    const r = await autotune(gpu, shape, 'f32', { cacheDir: forgedDir, candidates: candidates(), budgetS: 0, reps: 1 });
    expect(r.fromCache).toBe(false);
    expect(r.kernel.name).not.toBe(forged.config);
  });
});
