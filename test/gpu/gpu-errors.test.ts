import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { closeGpu, DeviceError, matmul, openGpu, withErrorScopes } from '../../src/index.js';
import { getPipeline } from '../../src/kernels/pipeline.js';

describe('GPU errors become typed errors', () => {
  it('a shader that does not compile raises DeviceError naming the kernel', async () => {
    const gpu = await openGpu();
    try {
      const err = await getPipeline(gpu, { label: 'broken-kernel', code: 'fn main( {', workgroups: [1, 1, 1] }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).message).toMatch(/compiling broken-kernel/);
      expect((err as DeviceError).exitCode).toBe(3);
    } finally {
      closeGpu(gpu);
    }
  });

  it('a validation error inside withErrorScopes is thrown there, with its label', async () => {
    const gpu = await openGpu();
    try {
      const err = await withErrorScopes(gpu, 'making a bad buffer', () => {
        gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE });
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).reason).toBe('validation');
      expect((err as Error).message).toMatch(/^making a bad buffer: /);
    } finally {
      closeGpu(gpu);
    }
  });

  it('work after closeGpu fails with DeviceError instead of hanging', async () => {
    const gpu = await openGpu();
    closeGpu(gpu);
    closeGpu(gpu); // idempotent
    const err = await matmul(gpu, new Float32Array(4), new Float32Array(4), { m: 2, n: 2, k: 2 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeviceError);
  });

  it('a process that opens, uses and closes the GPU exits promptly on its own', () => {
    const script = `
      import { openGpu, matmul, closeGpu } from './dist/src/index.js';
      const gpu = await openGpu();
      const c = await matmul(gpu, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), { m: 2, n: 2, k: 2 });
      closeGpu(gpu);
      console.log(Array.from(c).join(','));`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('19,22,43,50');
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
