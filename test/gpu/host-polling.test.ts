import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { holdTimerPolling, timerPollingActive } from '../../src/gpu/polling.js';
import { closeGpu, type Gpu, openGpu, prepareMatmul, timePasses } from '../../src/index.js';
import { naiveKernel } from '../../src/kernels/naive.js';

const realSetImmediate = globalThis.setImmediate;

afterEach(() => {
  expect(globalThis.setImmediate).toBe(realSetImmediate);
});

describe('timer polling (src/gpu/polling.ts)', () => {
  it('routes native callbacks (how Dawn re-arms its polling) through a timer, and JavaScript ones through setImmediate', async () => {
    const release = holdTimerPolling();
    try {
      expect(timerPollingActive()).toBe(true);
      const calls: string[] = [];
      // A bound function is native code, like the callback Dawn's bindings create.
      const native = Array.prototype.push.bind(calls, 'native');
      const viaNative = globalThis.setImmediate(native as () => void);
      const viaJs = globalThis.setImmediate(() => calls.push('js'));
      expect(viaNative.constructor.name).toBe('Timeout');
      expect(viaJs.constructor.name).toBe('Immediate');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(calls.sort()).toEqual(['js', 'native']);
    } finally {
      release();
    }
  });

  it('counts holders: the real setImmediate returns when the last one releases, and a second release is a no-op', () => {
    const a = holdTimerPolling();
    const b = holdTimerPolling();
    a();
    a();
    expect(globalThis.setImmediate).not.toBe(realSetImmediate);
    b();
    expect(globalThis.setImmediate).toBe(realSetImmediate);
    expect(timerPollingActive()).toBe(false);
  });

  it('chooses timer polling on a software adapter and busy polling on a GPU by default', async () => {
    const gpu = await openGpu();
    try {
      expect(gpu.polling).toBe(gpu.info.isFallbackAdapter ? 'timer' : 'busy');
      expect(timerPollingActive()).toBe(gpu.polling === 'timer');
    } finally {
      closeGpu(gpu);
    }
    expect(timerPollingActive()).toBe(false);
  });

  it('rejects an unknown polling mode naming the option and the choices', async () => {
    await expect(openGpu({ polling: 'sometimes' as never })).rejects.toThrow(/polling.*sometimes.*auto, busy, timer/s);
  });
});

/** CPU seconds the main thread has used (Linux: /proc/self/task/<pid>/stat, utime + stime). */
function mainThreadCpuSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Fraction of a GPU wait's wall time that the main thread spent on a CPU. */
async function mainThreadShareWhileWaiting(gpu: Gpu): Promise<number> {
  const mm = await prepareMatmul(gpu, naiveKernel, { m: 384, n: 384, k: 384 });
  try {
    const passes = Array.from({ length: 24 }, () => (p: GPUComputePassEncoder) => mm.dispatch(p));
    await timePasses(gpu, passes.slice(0, 2)); // warm-up
    const cpu0 = mainThreadCpuSeconds();
    const t0 = performance.now();
    await timePasses(gpu, passes);
    const wall = (performance.now() - t0) / 1000;
    expect(wall).toBeGreaterThan(0.2); // long enough for the 10 ms tick of /proc's CPU times
    return (mainThreadCpuSeconds() - cpu0) / wall;
  } finally {
    mm.destroy();
  }
}

// /proc is Linux's; CI and the software adapter it runs are Linux.
describe.runIf(process.platform === 'linux')('the host thread while waiting for the GPU', () => {
  it('is idle with timer polling and spins with busy polling', async () => {
    const timerGpu = await openGpu({ polling: 'timer' });
    let timerShare: number;
    try {
      timerShare = await mainThreadShareWhileWaiting(timerGpu);
    } finally {
      closeGpu(timerGpu);
    }
    expect(globalThis.setImmediate).toBe(realSetImmediate);
    const busyGpu = await openGpu({ polling: 'busy' });
    let busyShare: number;
    try {
      expect(busyGpu.polling).toBe('busy');
      busyShare = await mainThreadShareWhileWaiting(busyGpu);
    } finally {
      closeGpu(busyGpu);
    }
    expect(timerShare).toBeLessThan(0.25);
    expect(busyShare).toBeGreaterThan(0.4);
  });
});
