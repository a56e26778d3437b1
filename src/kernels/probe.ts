import type { Gpu } from '../gpu/open.js';
import { withErrorScopes } from '../gpu/scope.js';
import { type TimingMethod, timePasses, validSeconds } from '../gpu/timer.js';
import { median } from '../stats/quantiles.js';
import { getPipeline } from './pipeline.js';
import type { Roofline } from './roofline.js';

/**
 * The local device's roofline, measured with dedicated micro-kernels:
 *  - FMA peak: every invocation runs CHAINS independent vec4 fma chains (enough independent
 *    work to hide FMA latency on GPUs and to fill SIMD lanes on a CPU) for ITERATIONS steps,
 *    all in registers; one store at the end keeps the compiler from deleting the work.
 *  - bandwidth: a vec4 copy of a buffer much larger than any cache; bytes = read + write.
 */
export interface ProbeOptions {
  /** Timed repetitions per micro-kernel (median reported). Default PROBE_REPS. */
  readonly reps?: number;
  /** Scale the work down (tests, --quick). Default 1. */
  readonly scale?: number;
}

export interface ProbeResult extends Roofline {
  readonly method: TimingMethod;
  /** Raw samples behind each figure, for reports. */
  readonly samples: {
    readonly fmaF32: readonly number[];
    readonly fmaF16: readonly number[] | null;
    readonly bandwidth: readonly number[];
  };
}

/** Timed repetitions per micro-kernel by default. */
export const PROBE_REPS = 5;

const CHAINS = 8;
const ITERATIONS = 256;
const WORKGROUP = 64;

export function fmaProbeWgsl(dtype: 'f32' | 'f16'): string {
  const t = dtype === 'f16' ? 'f16' : 'f32';
  const L: string[] = [];
  if (dtype === 'f16') L.push('enable f16;');
  L.push('@group(0) @binding(0) var<storage, read_write> out: array<f32>;');
  L.push(`@compute @workgroup_size(${WORKGROUP}, 1, 1)`);
  L.push('fn main(@builtin(global_invocation_id) gid: vec3<u32>) {');
  // Values stay in [0, 1]: x -> x * 0.5 + 0.25 converges to 0.5, never overflows f16.
  L.push(`  let seed = ${t}(gid.x % 7u) * ${t}(0.125);`);
  for (let c = 0; c < CHAINS; c++)
    L.push(`  var x${c} = vec4<${t}>(seed, seed + ${t}(${c}) * ${t}(0.01), seed, seed);`);
  L.push(`  let mul = vec4<${t}>(${t}(0.5));`);
  L.push(`  let add = vec4<${t}>(${t}(0.25));`);
  L.push(`  for (var i = 0u; i < ${ITERATIONS}u; i = i + 1u) {`);
  // Unrolled 4x so the loop overhead is small next to 4 * CHAINS vec4 fmas.
  for (let u = 0; u < 4; u++) for (let c = 0; c < CHAINS; c++) L.push(`    x${c} = fma(x${c}, mul, add);`);
  L.push('  }');
  const sum = Array.from({ length: CHAINS }, (_, c) => `x${c}`).join(' + ');
  L.push(`  let s = ${sum};`);
  L.push('  out[gid.x] = f32(s.x + s.y + s.z + s.w);');
  L.push('}');
  return L.join('\n');
}

/** FLOPs of one FMA probe dispatch with `invocations` invocations (an fma counts 2). */
export function fmaProbeFlops(invocations: number): number {
  return invocations * ITERATIONS * 4 * CHAINS * 4 * 2;
}

export function copyProbeWgsl(): string {
  return [
    '@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;',
    '@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;',
    `@compute @workgroup_size(${WORKGROUP}, 1, 1)`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    // 2D grid: large buffers exceed 65535 workgroups in one dimension.
    `  let i = (gid.y * nwg.x * ${WORKGROUP}u) + gid.x;`,
    '  if (i < arrayLength(&dst)) { dst[i] = src[i]; }',
    '}',
  ].join('\n');
}

function grid(workgroups: number, limits: GPUSupportedLimits): [number, number, number] {
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (workgroups <= max) return [workgroups, 1, 1];
  return [max, Math.ceil(workgroups / max), 1];
}

async function timeFma(gpu: Gpu, dtype: 'f32' | 'f16', reps: number, scale: number): Promise<number[]> {
  // Enough invocations to fill a large GPU many times over; scaled down on a CPU by the caller.
  const invocations = Math.max(
    WORKGROUP,
    Math.round(((gpu.info.isFallbackAdapter ? 2 ** 14 : 2 ** 22) * scale) / WORKGROUP) * WORKGROUP,
  );
  const workgroups = grid(invocations / WORKGROUP, gpu.limits);
  const total = workgroups[0] * workgroups[1] * WORKGROUP;
  const plan = { label: `probe fma ${dtype}`, code: fmaProbeWgsl(dtype), workgroups } as const;
  const pipeline = await getPipeline(gpu, plan);
  const out = gpu.device.createBuffer({ size: total * 4, usage: GPUBufferUsage.STORAGE });
  try {
    const bindGroup = gpu.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: out } }],
    });
    const encode = (pass: GPUComputePassEncoder): void => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...workgroups);
    };
    await timePasses(gpu, [encode]); // warm-up
    const times = await withErrorScopes(gpu, plan.label, () =>
      timePasses(
        gpu,
        Array.from({ length: reps }, () => encode),
      ),
    );
    return validSeconds(times).map((s) => fmaProbeFlops(total) / s / 1e9);
  } finally {
    out.destroy();
  }
}

async function timeCopy(gpu: Gpu, reps: number, scale: number): Promise<number[]> {
  const want = (gpu.info.isFallbackAdapter ? 64 : 512) * 2 ** 20 * scale;
  const bytes = Math.max(
    2 ** 16,
    Math.floor(Math.min(want, gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / 16) * 16,
  );
  const workgroups = grid(Math.ceil(bytes / 16 / WORKGROUP), gpu.limits);
  const plan = { label: 'probe copy', code: copyProbeWgsl(), workgroups } as const;
  const pipeline = await getPipeline(gpu, plan);
  const src = gpu.device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = gpu.device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  try {
    const bindGroup = gpu.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: src } },
        { binding: 1, resource: { buffer: dst } },
      ],
    });
    const encode = (pass: GPUComputePassEncoder): void => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...workgroups);
    };
    await timePasses(gpu, [encode]);
    const times = await withErrorScopes(gpu, plan.label, () =>
      timePasses(
        gpu,
        Array.from({ length: reps }, () => encode),
      ),
    );
    return validSeconds(times).map((s) => (2 * bytes) / s / 1e9);
  } finally {
    src.destroy();
    dst.destroy();
  }
}

/** Measures the roofline of the open device. f16 is null where the adapter lacks shader-f16. */
export async function probeRoofline(gpu: Gpu, options: ProbeOptions = {}): Promise<ProbeResult> {
  const reps = options.reps ?? PROBE_REPS;
  const scale = options.scale ?? 1;
  const fmaF32 = await timeFma(gpu, 'f32', reps, scale);
  const fmaF16 = gpu.features.shaderF16 ? await timeFma(gpu, 'f16', reps, scale) : null;
  const bandwidth = await timeCopy(gpu, reps, scale);
  return {
    fmaF32Gflops: median(fmaF32),
    fmaF16Gflops: fmaF16 ? median(fmaF16) : null,
    bandwidthGBs: median(bandwidth),
    method: gpu.features.timestampQuery ? 'gpu-timestamp' : 'wall-clock',
    samples: { fmaF32, fmaF16, bandwidth },
  };
}
