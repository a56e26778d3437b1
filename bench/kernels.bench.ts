import { Bench } from 'tinybench';
import { type Gpu, setHostPolling } from '../src/gpu/open.js';
import { type TimingMethod, timePasses } from '../src/gpu/timer.js';
import { autotune } from '../src/kernels/autotune.js';
import { flopsOf, type KernelDtype, type MatmulKernel, type MatmulShape, shapeKey } from '../src/kernels/kernel.js';
import { naiveKernel } from '../src/kernels/naive.js';
import type { Roofline } from '../src/kernels/roofline.js';
import { prepareMatmul } from '../src/kernels/run-matmul.js';
import { kernelFor } from '../src/kernels/select.js';
import type { TuneCacheOptions } from '../src/kernels/tune-cache.js';
import { median } from '../src/stats/quantiles.js';

/** Timed repetitions per kernel and shape (and per BLAS shape, bench/blas.ts), in full and --quick runs. */
export const BENCH_REPS = { full: 5, quick: 3 } as const;

/**
 * Autotuning budget for all of the bench's shape classes together, seconds: each class times at
 * least one candidate, so this leaves headroom under the 30 s target.
 */
export const BENCH_TUNE_BUDGET_S = 26;

/** Square shapes from 256 to 2048 (and 4096 on a GPU), and the skinny shapes of a training step. */
export const SQUARE_SHAPES: readonly MatmulShape[] = [256, 512, 1024, 2048].map((s) => ({ m: s, n: s, k: s }));
export const SKINNY_SHAPES: readonly MatmulShape[] = [
  { m: 2048, n: 256, k: 1024 }, // activations x a narrow projection
  { m: 2048, n: 1024, k: 256 }, // a narrow activation x its output projection
  { m: 256, n: 1024, k: 2048 }, // weight gradient: k = tokens
];

export interface KernelBenchOptions extends TuneCacheOptions {
  readonly quick?: boolean;
  readonly shapes?: readonly MatmulShape[];
  /** Timed repetitions per kernel and shape (default BENCH_REPS). */
  readonly reps?: number;
  /** Measured FMA peaks, for fractions of peak. */
  readonly roofline?: Roofline | null;
  /** Autotuning budget for all of the bench's shape classes together, seconds (default BENCH_TUNE_BUDGET_S). */
  readonly tuneBudgetS?: number;
  readonly log?: (line: string) => void;
}

export interface KernelBenchRow {
  /**
   * 'naive' (the reference kernel), 'tuned' (f32), 'tuned-f16', or 'tuned-busy-polling': the
   * tuned f32 kernel at 1024^3 again, with the host spinning while it waits (src/gpu/polling.ts),
   * on adapters whose default is timer polling, to show in the same run what that costs.
   */
  readonly role: 'naive' | 'tuned' | 'tuned-f16' | 'tuned-busy-polling';
  readonly kernel: string;
  readonly shape: MatmulShape;
  readonly dtype: KernelDtype;
  readonly gflops: number;
  /** GFLOP/s of each GPU-timed repetition. */
  readonly samples: readonly number[];
  readonly medianMs: number;
  readonly fractionOfPeak: number | null;
  readonly method: TimingMethod;
}

export interface TuningRow {
  readonly dtype: KernelDtype;
  readonly shapeClass: string;
  readonly config: string;
  readonly gflops: number;
  readonly fromCache: boolean;
  readonly elapsedS: number;
  readonly tried: number;
}

export interface KernelBenchResult {
  readonly rows: readonly KernelBenchRow[];
  readonly tuning: readonly TuningRow[];
  /** Wall time of all autotuning in this run, seconds. */
  readonly tuneS: number;
}

/**
 * Each kernel at each shape with tinybench. Every task iteration dispatches once inside a
 * GPU-timestamped compute pass and hands tinybench that GPU duration as `overriddenDuration`,
 * so tinybench's statistics are over GPU time, not over submission and read-back overhead.
 */
export async function runKernelBench(gpu: Gpu, options: KernelBenchOptions = {}): Promise<KernelBenchResult> {
  const log = options.log ?? (() => {});
  const quick = options.quick ?? false;
  const software = gpu.info.isFallbackAdapter;
  // On a GPU, 4096^3 is where the tuned kernel is held to 40% of the measured FMA peak.
  const big: MatmulShape[] = software || quick ? [] : [{ m: 4096, n: 4096, k: 4096 }];
  const shapes =
    options.shapes ??
    (quick
      ? [{ m: 256, n: 256, k: 256 }, { m: 1024, n: 1024, k: 1024 }, SKINNY_SHAPES[0] as MatmulShape]
      : [...SQUARE_SHAPES, ...big, ...SKINNY_SHAPES]);
  const reps = options.reps ?? BENCH_REPS[quick ? 'quick' : 'full'];
  const f16Shape = shapes.find((s) => s.m === 1024 && s.n === 1024 && s.k === 1024);
  const cacheOptions: TuneCacheOptions = {
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  };

  // Tune first (or read the cache), with the budget split over the classes.
  const jobs: { dtype: KernelDtype; shape: MatmulShape }[] = shapes.map((shape) => ({ dtype: 'f32' as const, shape }));
  if (f16Shape && gpu.features.shaderF16) jobs.push({ dtype: 'f16', shape: f16Shape });
  const budget = options.tuneBudgetS ?? BENCH_TUNE_BUDGET_S;
  const tuneStart = performance.now();
  const tuning: TuningRow[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    const left = budget - (performance.now() - tuneStart) / 1000;
    const r = await autotune(gpu, job.shape, job.dtype, {
      ...cacheOptions,
      budgetS: Math.max(0, Math.min(left, budget / jobs.length)),
    });
    const key = `${job.dtype}:${r.shapeClass}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tuning.push({
      dtype: job.dtype,
      shapeClass: r.shapeClass,
      config: r.kernel.name,
      gflops: r.gflops,
      fromCache: r.fromCache,
      elapsedS: r.elapsedS,
      tried: r.table.filter((t) => t.gflops !== null).length,
    });
    log(
      `tuned ${job.dtype} ${r.shapeClass}: ${r.kernel.name}` +
        (r.fromCache
          ? ' (cache)'
          : ` (${r.table.filter((t) => t.gflops !== null).length} candidates, ${r.elapsedS.toFixed(1)} s)`),
    );
  }
  const tuneS = (performance.now() - tuneStart) / 1000;

  const cases: { role: KernelBenchRow['role']; kernel: MatmulKernel; shape: MatmulShape }[] = [];
  for (const shape of shapes) {
    // The reference kernel at 2048^3 takes over 10 s a repetition on a CPU adapter: skip it there.
    if (!software || flopsOf(shape) <= 2 * 1024 ** 3) cases.push({ role: 'naive', kernel: naiveKernel, shape });
    cases.push({ role: 'tuned', kernel: await kernelFor(gpu, shape, 'f32', cacheOptions), shape });
  }
  if (f16Shape && gpu.features.shaderF16)
    cases.push({ role: 'tuned-f16', kernel: await kernelFor(gpu, f16Shape, 'f16', cacheOptions), shape: f16Shape });
  if (f16Shape && gpu.polling === 'timer')
    cases.push({
      role: 'tuned-busy-polling',
      kernel: await kernelFor(gpu, f16Shape, 'f32', cacheOptions),
      shape: f16Shape,
    });

  const rows: KernelBenchRow[] = [];
  for (const c of cases) {
    const prepared = await prepareMatmul(gpu, c.kernel, c.shape);
    const polling = gpu.polling;
    if (c.role === 'tuned-busy-polling') setHostPolling(gpu, 'busy');
    try {
      const gpuSeconds: number[] = [];
      let method: TimingMethod = 'gpu-timestamp';
      const bench = new Bench({
        name: `${c.role} ${shapeKey(c.shape)}`,
        time: 0,
        iterations: reps,
        warmupTime: 0,
        warmupIterations: 1,
        retainSamples: true,
      });
      bench.add(`${c.kernel.name} ${shapeKey(c.shape)}`, async () => {
        const t = await timePasses(gpu, [(pass) => prepared.dispatch(pass)]);
        method = t.method;
        const s = t.seconds[0] ?? Number.NaN;
        if (Number.isFinite(s)) gpuSeconds.push(s);
        // tinybench takes milliseconds; a dropped (non-positive) GPU delta falls back to its own clock.
        return Number.isFinite(s) ? { overriddenDuration: s * 1e3 } : undefined;
      });
      await bench.run();
      const task = bench.tasks[0];
      const result = task?.result;
      if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics'))
        throw new Error(`bench task ${task?.name ?? c.kernel.name} did not complete (${result?.state ?? 'missing'})`);
      // The samples tinybench kept (warm-up excluded) are the GPU durations, in ms.
      const ms = result.latency.samples ? [...result.latency.samples] : gpuSeconds.slice(-reps).map((s) => s * 1e3);
      const samples = ms.map((x) => flopsOf(c.shape) / (x * 1e-3) / 1e9);
      const gflops = median(samples);
      // f16 kernels store f16 but multiply and accumulate in f32: their ceiling is the f32 FMA peak.
      const peak = options.roofline?.fmaF32Gflops;
      rows.push({
        role: c.role,
        kernel: c.kernel.name,
        shape: c.shape,
        dtype: c.kernel.dtype,
        gflops,
        samples,
        medianMs: median(ms),
        fractionOfPeak: peak ? gflops / peak : null,
        method,
      });
      log(
        `${c.role.padEnd(9)} ${shapeKey(c.shape).padEnd(15)} ${c.kernel.name.padEnd(26)} ${gflops.toFixed(2)} GFLOP/s`,
      );
    } finally {
      setHostPolling(gpu, polling);
      prepared.destroy();
    }
  }
  return { rows, tuning, tuneS };
}
