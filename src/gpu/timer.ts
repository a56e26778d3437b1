import type { Gpu } from './open.js';
import { asDeviceError, throwIfFailed } from './scope.js';

export type TimingMethod = 'gpu-timestamp' | 'wall-clock';

/** Encodes the dispatches of one timed compute pass. */
export type PassEncoder = (pass: GPUComputePassEncoder) => void;

export interface PassTimes {
  /** Seconds per pass, in order; NaN where the GPU returned a non-positive delta (dropped). */
  readonly seconds: readonly number[];
  readonly method: TimingMethod;
}

/** Query sets are limited in size (4096 queries in Dawn); time passes in chunks of this many. */
const PASSES_PER_CHUNK = 512;

/**
 * Times compute passes on the GPU. With `timestamp-query` every pass gets begin/end
 * `timestampWrites`; the query set is resolved, copied to a mappable buffer and read back,
 * and non-positive deltas (counter resets, reordering) are dropped as NaN.
 * Without the feature each pass is submitted alone and timed with the wall clock around
 * `onSubmittedWorkDone()`; that includes submission overhead, and results say so via `method`.
 */
export async function timePasses(gpu: Gpu, passes: readonly PassEncoder[]): Promise<PassTimes> {
  throwIfFailed(gpu);
  try {
    if (!gpu.features.timestampQuery) return { seconds: await wallClockPasses(gpu, passes), method: 'wall-clock' };
    const seconds: number[] = [];
    for (let start = 0; start < passes.length; start += PASSES_PER_CHUNK) {
      seconds.push(...(await timestampChunk(gpu, passes.slice(start, start + PASSES_PER_CHUNK))));
    }
    return { seconds, method: 'gpu-timestamp' };
  } catch (err) {
    throw asDeviceError(gpu, err, 'timing GPU passes');
  }
}

async function timestampChunk(gpu: Gpu, passes: readonly PassEncoder[]): Promise<number[]> {
  const { device } = gpu;
  const count = passes.length * 2;
  const querySet = device.createQuerySet({ type: 'timestamp', count, label: 'hetbench-timer' });
  const resolveBuffer = device.createBuffer({
    size: count * 8,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const readBuffer = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder({ label: 'hetbench-timed-passes' });
    passes.forEach((encode, i) => {
      const pass = encoder.beginComputePass({
        timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
      });
      encode(pass);
      pass.end();
    });
    encoder.resolveQuerySet(querySet, 0, count, resolveBuffer, 0);
    encoder.copyBufferToBuffer(resolveBuffer, 0, readBuffer, 0, count * 8);
    device.queue.submit([encoder.finish()]);
    await readBuffer.mapAsync(GPUMapMode.READ);
    const ticks = new BigInt64Array(readBuffer.getMappedRange().slice(0));
    readBuffer.unmap();
    throwIfFailed(gpu);
    const out: number[] = [];
    for (let i = 0; i < passes.length; i++) {
      const delta = Number((ticks[2 * i + 1] ?? 0n) - (ticks[2 * i] ?? 0n));
      out.push(delta > 0 ? delta * 1e-9 : Number.NaN);
    }
    return out;
  } finally {
    querySet.destroy();
    resolveBuffer.destroy();
    readBuffer.destroy();
  }
}

async function wallClockPasses(gpu: Gpu, passes: readonly PassEncoder[]): Promise<number[]> {
  const { device } = gpu;
  const out: number[] = [];
  for (const encode of passes) {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    encode(pass);
    pass.end();
    const buffer = encoder.finish();
    const t0 = performance.now();
    device.queue.submit([buffer]);
    await device.queue.onSubmittedWorkDone();
    out.push((performance.now() - t0) * 1e-3);
    throwIfFailed(gpu);
  }
  return out;
}

/** The finite durations of a PassTimes, in order. */
export function validSeconds(times: PassTimes): number[] {
  return times.seconds.filter((s) => Number.isFinite(s));
}
