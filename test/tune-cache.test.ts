import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterInfo } from '../src/gpu/adapter-info.js';
import {
  CACHE_FILE,
  cacheDir,
  lookupTune,
  readTuneCache,
  storeTune,
  type TuneEntry,
  tuneKey,
} from '../src/kernels/tune-cache.js';

const lavapipe: AdapterInfo = {
  vendor: 'mesa',
  architecture: '',
  device: 'llvmpipe',
  description: 'llvmpipe: Mesa 25.0.7',
  isFallbackAdapter: true,
  backend: 'vulkan',
};
const h100: AdapterInfo = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'H100',
  description: 'NVIDIA 550.54',
  isFallbackAdapter: false,
  backend: 'vulkan',
};
const entry: TuneEntry = {
  config: 'f32-w16x16-r8x4-v4-k2',
  gflops: 14.7,
  shape: { m: 1024, n: 1024, k: 1024 },
  tunedAt: '2026-01-01T00:00:00.000Z',
};

let dir: string;
let warnings: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hetbench-cache-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const opts = () => ({ cacheDir: dir, onWarning: (m: string) => warnings.push(m) });

describe('tuning cache on disk', () => {
  it('round-trips an entry under its key and keeps other entries', () => {
    const key = tuneKey({ info: lavapipe }, 'f32', 'm1024-n1024-k1024');
    const other = tuneKey({ info: lavapipe }, 'f32', 'm2048-n256-k1024');
    storeTune(other, { ...entry, config: 'f32-w16x16-r4x4-v4-k2' }, opts());
    storeTune(key, entry, opts());
    expect(lookupTune(key, opts())).toEqual(entry);
    expect(lookupTune(other, opts())?.config).toBe('f32-w16x16-r4x4-v4-k2');
    expect(warnings).toEqual([]);
  });

  it('keys on adapter, driver description, dtype and shape class: another adapter finds nothing', () => {
    storeTune(tuneKey({ info: lavapipe }, 'f32', 'm1024-n1024-k1024'), entry, opts());
    expect(lookupTune(tuneKey({ info: h100 }, 'f32', 'm1024-n1024-k1024'), opts())).toBeUndefined();
    expect(
      lookupTune(
        tuneKey({ info: { ...lavapipe, description: 'llvmpipe: Mesa 26.0.0' } }, 'f32', 'm1024-n1024-k1024'),
        opts(),
      ),
    ).toBeUndefined();
    expect(lookupTune(tuneKey({ info: lavapipe }, 'f16', 'm1024-n1024-k1024'), opts())).toBeUndefined();
    expect(tuneKey({ info: lavapipe }, 'f32', 'x')).toMatch(/webgpu@.*hetbench@/);
  });

  it.each([
    ['not JSON', '{"format": "hetbench-tune-cache", '],
    ['another format', JSON.stringify({ format: 'something-else', version: 1, entries: {} })],
    ['a future version', JSON.stringify({ format: 'hetbench-tune-cache', version: 99, entries: {} })],
    ['an array', '[]'],
  ])('ignores a corrupt or foreign file (%s) with a warning, then overwrites it', (_what, text) => {
    writeFileSync(join(dir, CACHE_FILE), text);
    const key = tuneKey({ info: lavapipe }, 'f32', 'm1024-n1024-k1024');
    expect(lookupTune(key, opts())).toBeUndefined();
    expect(warnings.length).toBe(1);
    storeTune(key, entry, opts());
    expect(JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')).format).toBe('hetbench-tune-cache');
    expect(lookupTune(key, opts())).toEqual(entry);
  });

  it('drops a malformed entry but keeps the valid ones', () => {
    const key = tuneKey({ info: lavapipe }, 'f32', 'm1024-n1024-k1024');
    writeFileSync(
      join(dir, CACHE_FILE),
      JSON.stringify({ format: 'hetbench-tune-cache', version: 1, entries: { [key]: entry, bad: { config: 42 } } }),
    );
    expect(Object.keys(readTuneCache(opts()))).toEqual([key]);
    expect(warnings.length).toBe(1);
  });

  it('is disabled by cacheDir null and by HETBENCH_CACHE_DIR=off, and the env var moves it', () => {
    expect(cacheDir({ cacheDir: null })).toBeNull();
    const saved = process.env['HETBENCH_CACHE_DIR'];
    try {
      process.env['HETBENCH_CACHE_DIR'] = 'off';
      expect(cacheDir()).toBeNull();
      process.env['HETBENCH_CACHE_DIR'] = dir;
      expect(cacheDir()).toBe(dir);
      delete process.env['HETBENCH_CACHE_DIR'];
      expect(cacheDir()).toMatch(/hetbench$/);
    } finally {
      if (saved === undefined) delete process.env['HETBENCH_CACHE_DIR'];
      else process.env['HETBENCH_CACHE_DIR'] = saved;
    }
    storeTune('k', entry, { cacheDir: null });
    expect(readTuneCache({ cacheDir: null })).toEqual({});
  });
});
