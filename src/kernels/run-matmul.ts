import { UsageError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { withErrorScopes } from '../gpu/scope.js';
import { type TimingMethod, timePasses } from '../gpu/timer.js';
import { median } from '../stats/quantiles.js';
import { toF16Array } from './f16.js';
import { flopsOf, type MatmulKernel, type MatmulShape } from './kernel.js';
import { getPipeline } from './pipeline.js';

// The low-level matmul: every function here takes the kernel it runs. The tuned default lives one
// layer up (matmul.ts, through select.ts), so the autotuner can use this without a cycle.

/** Largest size we accept per dimension: indices are u32 in WGSL. */
export const MAX_DIMENSION = 2 ** 31 - 1;

/**
 * Rejects a shape WGSL cannot index. Errors name the shape's fields (`m`, `n`, `k`, or `m/n/k`
 * for the product of two); the CLI maps them to its flags.
 */
export function validateShape(shape: MatmulShape): void {
  for (const dim of ['m', 'n', 'k'] as const) {
    const v = shape[dim];
    if (!Number.isSafeInteger(v) || v < 1 || v > MAX_DIMENSION) {
      throw new UsageError(dim, v, `must be an integer from 1 to ${MAX_DIMENSION}.`);
    }
  }
  if (shape.m * shape.k > MAX_DIMENSION || shape.k * shape.n > MAX_DIMENSION || shape.m * shape.n > MAX_DIMENSION) {
    throw new UsageError(
      'm/n/k',
      `${shape.m}x${shape.n}x${shape.k}`,
      `each matrix must have fewer than 2^31 elements (u32 indexing in WGSL).`,
    );
  }
}

/** A matmul ready to dispatch: buffers, pipeline and bind group for one kernel and shape. */
export interface PreparedMatmul {
  readonly shape: MatmulShape;
  readonly kernel: MatmulKernel;
  readonly c: GPUBuffer;
  dispatch(pass: GPUComputePassEncoder): void;
  destroy(): void;
}

function elementBytes(kernel: MatmulKernel): number {
  return kernel.dtype === 'f16' ? 2 : 4;
}

/** Buffer sizes are rounded up to 4 bytes (queue.writeBuffer and binding rules). */
function bufferSize(elements: number, bytes: number): number {
  return Math.max(4, Math.ceil((elements * bytes) / 4) * 4);
}

/**
 * Allocates A, B and C for `shape` and compiles the kernel. With `data` the inputs are uploaded
 * (converted to f16 for f16 kernels); without, they are left zero (timing only).
 */
export async function prepareMatmul(
  gpu: Gpu,
  kernel: MatmulKernel,
  shape: MatmulShape,
  data?: { a: Float32Array; b: Float32Array },
): Promise<PreparedMatmul> {
  validateShape(shape);
  const plan = kernel.plan(shape, gpu.limits);
  const pipeline = await getPipeline(gpu, plan);
  const { device } = gpu;
  const bytes = elementBytes(kernel);
  return withErrorScopes(gpu, `allocating ${plan.label}`, () => {
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const a = device.createBuffer({ size: bufferSize(shape.m * shape.k, bytes), usage: storage, label: 'A' });
    const b = device.createBuffer({ size: bufferSize(shape.k * shape.n, bytes), usage: storage, label: 'B' });
    const c = device.createBuffer({
      size: bufferSize(shape.m * shape.n, 4),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      label: 'C',
    });
    if (data) {
      upload(device, a, data.a, kernel);
      upload(device, b, data.b, kernel);
    }
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: a } },
        { binding: 1, resource: { buffer: b } },
        { binding: 2, resource: { buffer: c } },
      ],
    });
    const [x, y, z] = plan.workgroups;
    return {
      shape,
      kernel,
      c,
      dispatch(pass: GPUComputePassEncoder) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(x, y, z);
      },
      destroy() {
        a.destroy();
        b.destroy();
        c.destroy();
      },
    };
  });
}

function upload(device: GPUDevice, buffer: GPUBuffer, values: Float32Array, kernel: MatmulKernel): void {
  if (kernel.dtype === 'f16') {
    device.queue.writeBuffer(buffer, 0, toF16Array(values));
  } else if (values.byteLength % 4 === 0) {
    device.queue.writeBuffer(buffer, 0, values);
  }
}

async function readBuffer(gpu: Gpu, source: GPUBuffer, floats: number): Promise<Float32Array> {
  const { device } = gpu;
  const size = floats * 4;
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, staging, 0, size);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return out;
  } finally {
    staging.destroy();
  }
}

/** Checks the shape and that A and B hold m*k and k*n elements. */
export function validateOperands(a: Float32Array, b: Float32Array, shape: MatmulShape): void {
  validateShape(shape);
  const { m, n, k } = shape;
  if (a.length !== m * k) throw new UsageError('a', `length ${a.length}`, `A must have m*k = ${m * k} elements.`);
  if (b.length !== k * n) throw new UsageError('b', `length ${b.length}`, `B must have k*n = ${k * n} elements.`);
}

export interface RunMatmulOptions {
  /** Cap on one binding's size, below the adapter's limit (tests use it to force row splitting). */
  readonly maxBindingBytes?: number;
}

/**
 * C = A x B with `kernel`, row-major, for any m, n, k >= 1. When A or C would exceed the
 * adapter's maxStorageBufferBindingSize, the product is split into blocks of rows of A and C
 * (B is shared by all blocks); a B that alone exceeds the limit is a UsageError.
 */
export async function runMatmul(
  gpu: Gpu,
  kernel: MatmulKernel,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  options: RunMatmulOptions = {},
): Promise<Float32Array> {
  validateOperands(a, b, shape);
  const { m, n, k } = shape;
  const limit = Math.min(
    options.maxBindingBytes ?? Number.POSITIVE_INFINITY,
    gpu.limits.maxStorageBufferBindingSize,
    gpu.limits.maxBufferSize,
  );
  const bytes = elementBytes(kernel);
  if (bufferSize(k * n, bytes) > limit) {
    throw new UsageError(
      'k/n',
      `${k}x${n}`,
      `B needs ${bufferSize(k * n, bytes)} bytes in one binding; this adapter allows ${limit} (maxStorageBufferBindingSize). Reduce k*n.`,
    );
  }
  // Each row of A costs k elements and each row of C n elements (f32); rows must fit one binding.
  const rowsPerBlock = Math.max(1, Math.floor(limit / (Math.max(k * bytes, n * 4) + 4)));
  const out = new Float32Array(m * n);
  for (let row = 0; row < m; row += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, m - row);
    const block = await prepareMatmul(gpu, kernel, { m: rows, n, k }, { a: a.subarray(row * k, (row + rows) * k), b });
    try {
      const c = await withErrorScopes(gpu, `running ${kernel.name} ${rows}x${n}x${k}`, async () => {
        const encoder = gpu.device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        block.dispatch(pass);
        pass.end();
        gpu.device.queue.submit([encoder.finish()]);
        return readBuffer(gpu, block.c, rows * n);
      });
      out.set(c.subarray(0, rows * n), row * n);
    } finally {
      block.destroy();
    }
  }
  return out;
}

export interface MatmulTiming {
  /** Seconds per repetition (one dispatch each), GPU-timed where the adapter allows. */
  readonly seconds: readonly number[];
  readonly method: TimingMethod;
  readonly gflops: number;
  readonly medianS: number;
}

/** Times `reps` dispatches of one kernel at one shape after `warmup` untimed ones. */
export async function timeMatmul(
  gpu: Gpu,
  kernel: MatmulKernel,
  shape: MatmulShape,
  reps: number,
  warmup = 1,
  data?: { a: Float32Array; b: Float32Array },
): Promise<MatmulTiming> {
  const prepared = await prepareMatmul(gpu, kernel, shape, data);
  try {
    const dispatch = (pass: GPUComputePassEncoder) => prepared.dispatch(pass);
    if (warmup > 0)
      await timePasses(
        gpu,
        Array.from({ length: warmup }, () => dispatch),
      );
    const times = await withErrorScopes(gpu, `timing ${kernel.name} ${shape.m}x${shape.n}x${shape.k}`, () =>
      timePasses(
        gpu,
        Array.from({ length: reps }, () => dispatch),
      ),
    );
    const valid = times.seconds.filter((s) => Number.isFinite(s));
    const medianS = median(valid);
    return { seconds: valid, method: times.method, medianS, gflops: flopsOf(shape) / medianS / 1e9 };
  } finally {
    prepared.destroy();
  }
}
