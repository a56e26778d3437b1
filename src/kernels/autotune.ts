import { DeviceError, UsageError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { median } from '../stats/quantiles.js';
import { candidateConfigs } from './candidates.js';
import { roundToF16 } from './f16.js';
import type { KernelDtype, MatmulShape } from './kernel.js';
import { randomMatrix } from './random.js';
import { referenceMatmul, verifyMatmul } from './reference.js';
import { runMatmul, timeMatmul } from './run-matmul.js';
import { representativeShape, shapeClass } from './shape-class.js';
import { configName, parseConfigName, type TiledConfig, type TiledKernel, tiledKernel } from './tiled.js';
import { lookupTune, storeTune, type TuneCacheOptions, tuneKey } from './tune-cache.js';
import { forAdapter, TUNE_BUDGET_S, TUNE_CAP, TUNE_REPS } from './tuning-defaults.js';

export interface AutotuneOptions extends TuneCacheOptions {
  /** Wall-clock budget in seconds; candidates after it are skipped once one has passed. Default TUNE_BUDGET_S. */
  readonly budgetS?: number;
  /** Timed repetitions per candidate (median kept). Default TUNE_REPS. */
  readonly reps?: number;
  /** Candidates to try, best guess first (default: candidateConfigs for the adapter). */
  readonly candidates?: readonly TiledConfig[];
  /** Ignore a cached choice and tune again (the new choice is still stored). */
  readonly force?: boolean;
  /** Largest dimension of the shape tuned on (default TUNE_CAP: 1024 on a software adapter, 4096 on a GPU). */
  readonly cap?: number;
}

export interface TuneRow {
  readonly config: string;
  /** Median GFLOP/s on the representative shape; null when not timed. */
  readonly gflops: number | null;
  readonly verified: boolean;
  /** Why the candidate was dropped (failed verification, compile error, budget). */
  readonly note: string | null;
}

export interface AutotuneResult {
  readonly kernel: TiledKernel;
  readonly shapeClass: string;
  /** The shape the candidates were timed on. */
  readonly shape: MatmulShape;
  readonly gflops: number;
  readonly table: readonly TuneRow[];
  readonly fromCache: boolean;
  readonly elapsedS: number;
}

/** Throws UsageError (field `dtype`) when the adapter cannot run kernels of `dtype`. */
export function checkDtype(gpu: Pick<Gpu, 'features'>, dtype: KernelDtype): void {
  if (dtype === 'f16' && !gpu.features.shaderF16)
    throw new UsageError('dtype', 'f16', 'needs an adapter with shader-f16 (see `hetbench doctor`).');
}

/** The tuning size in effect: `options.cap`, else TUNE_CAP for the adapter. */
export function tuneCap(gpu: Pick<Gpu, 'info'>, options: Pick<AutotuneOptions, 'cap'> = {}): number {
  return options.cap ?? forAdapter(TUNE_CAP, gpu);
}

/**
 * Shapes every candidate must reproduce before it is timed: non-multiples of every tile
 * dimension, one with m, n and k all odd (scalar-load path) and one with n and k multiples of 4
 * (the vec4 path), since the generator picks its load width from the shape.
 */
export const VERIFY_SHAPES: readonly MatmulShape[] = [
  { m: 37, n: 75, k: 53 },
  { m: 131, n: 68, k: 36 },
];

type Reference = { a: Float32Array; b: Float32Array; ref: ReturnType<typeof referenceMatmul> };
const references = new Map<string, Reference>();

function referenceFor(shape: MatmulShape, dtype: KernelDtype): Reference {
  const key = `${dtype}:${shape.m}x${shape.n}x${shape.k}`;
  let r = references.get(key);
  if (!r) {
    const a = randomMatrix(shape.m * shape.k, 11);
    const b = randomMatrix(shape.k * shape.n, 12);
    // An f16 kernel multiplies the f16-rounded inputs exactly as an f32 kernel would (f32
    // accumulation), so its bound is the f32 bound on the rounded inputs.
    const ref = dtype === 'f16' ? referenceMatmul(roundToF16(a), roundToF16(b), shape) : referenceMatmul(a, b, shape);
    r = { a, b, ref };
    references.set(key, r);
  }
  return r;
}

/** Checks one kernel on every VERIFY_SHAPES entry; returns null or the first failure. */
export async function verifyKernel(gpu: Gpu, kernel: TiledKernel): Promise<string | null> {
  for (const shape of VERIFY_SHAPES) {
    const { a, b, ref } = referenceFor(shape, kernel.dtype);
    const c = await runMatmul(gpu, kernel, a, b, shape);
    const v = verifyMatmul(c, ref, shape.k);
    if (!v.ok)
      return `wrong result at ${shape.m}x${shape.n}x${shape.k}: error ${v.worstRatio.toExponential(2)} x the bound at element ${v.worstIndex}`;
  }
  return null;
}

/**
 * Picks the fastest verified kernel for the shape class of `shape` on this adapter: reads the
 * disk cache first (unless `force`), else verifies and times each candidate within the budget,
 * keeps the fastest, and stores the choice.
 */
export async function autotune(
  gpu: Gpu,
  shape: MatmulShape,
  dtype: KernelDtype = 'f32',
  options: AutotuneOptions = {},
): Promise<AutotuneResult> {
  checkDtype(gpu, dtype);
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const rep = representativeShape(shape, tuneCap(gpu, options));
  // Classed by the shape actually timed: classes past the cap would only repeat its timing.
  const cls = shapeClass(rep);
  const key = tuneKey(gpu, dtype, cls);
  const candidates = options.candidates ?? candidateConfigs(dtype, gpu);

  if (!options.force) {
    const cached = cachedChoice(gpu, shape, dtype, options);
    if (cached) return { ...cached, table: [], fromCache: true, elapsedS: elapsed() };
  }

  const budget = options.budgetS ?? forAdapter(TUNE_BUDGET_S, gpu);
  const reps = options.reps ?? TUNE_REPS;
  const table: TuneRow[] = [];
  let best: { kernel: TiledKernel; gflops: number } | null = null;
  let runnerUp: { kernel: TiledKernel; gflops: number } | null = null;
  for (const config of candidates) {
    const name = configName(config);
    if (best && elapsed() > budget) {
      table.push({ config: name, gflops: null, verified: false, note: 'skipped: time budget spent' });
      continue;
    }
    const kernel = tiledKernel(config);
    try {
      const problem = await verifyKernel(gpu, kernel);
      if (problem) {
        table.push({ config: name, gflops: null, verified: false, note: problem });
        continue;
      }
      const timing = await timeMatmul(gpu, kernel, rep, reps, 1);
      table.push({ config: name, gflops: timing.gflops, verified: true, note: null });
      if (Number.isFinite(timing.gflops)) {
        const entry = { kernel, gflops: timing.gflops };
        if (!best || entry.gflops > best.gflops) [best, runnerUp] = [entry, best];
        else if (!runnerUp || entry.gflops > runnerUp.gflops) runnerUp = entry;
      }
    } catch (err) {
      // A device loss ends tuning; a compile or validation error only drops the candidate.
      if (err instanceof DeviceError && err.reason === 'lost') throw err;
      if (!(err instanceof DeviceError) && !(err instanceof UsageError)) throw err;
      table.push({ config: name, gflops: null, verified: false, note: err.message.split('\n')[0] ?? 'failed' });
    }
  }
  if (!best)
    throw new DeviceError(
      `autotune ${dtype} ${cls}: no candidate kernel passed verification on this adapter`,
      'mismatch',
    );
  if (runnerUp) best = await playOff(gpu, rep, best, runnerUp);
  storeTune(
    key,
    { config: best.kernel.name, gflops: best.gflops, shape: rep, tunedAt: new Date().toISOString() },
    options,
  );
  return {
    kernel: best.kernel,
    shapeClass: cls,
    shape: rep,
    gflops: best.gflops,
    table,
    fromCache: false,
    elapsedS: elapsed(),
  };
}

/** Rounds of the play-off between the two fastest candidates. */
export const PLAY_OFF_ROUNDS = 3;

/**
 * Candidates are timed one after another, so a burst of host load (or a clock change) during
 * one candidate's reps can crown the wrong one. The two fastest meet again, alternating
 * dispatch by dispatch for a few rounds, and the better median of all their timings wins.
 */
async function playOff(
  gpu: Gpu,
  shape: MatmulShape,
  first: { kernel: TiledKernel; gflops: number },
  second: { kernel: TiledKernel; gflops: number },
): Promise<{ kernel: TiledKernel; gflops: number }> {
  const samples: [number[], number[]] = [[first.gflops], [second.gflops]];
  const finalists = [first, second] as const;
  for (let round = 0; round < PLAY_OFF_ROUNDS; round++) {
    for (const [i, f] of finalists.entries()) samples[i]?.push((await timeMatmul(gpu, f.kernel, shape, 1, 0)).gflops);
  }
  const [a, b] = samples.map((xs) => median(xs.filter(Number.isFinite)));
  return (b ?? 0) > (a ?? 0) ? { kernel: second.kernel, gflops: b ?? 0 } : { kernel: first.kernel, gflops: a ?? 0 };
}

/**
 * The cached choice for the class of `shape`, or null. Only a config from the verified candidate
 * space (`options.candidates`, default the adapter's) is accepted: the file is not trusted.
 */
export function cachedChoice(
  gpu: Gpu,
  shape: MatmulShape,
  dtype: KernelDtype,
  options: AutotuneOptions = {},
): { kernel: TiledKernel; shapeClass: string; shape: MatmulShape; gflops: number } | null {
  const rep = representativeShape(shape, tuneCap(gpu, options));
  const cls = shapeClass(rep);
  const cached = lookupTune(tuneKey(gpu, dtype, cls), options);
  const config = cached ? parseConfigName(cached.config) : null;
  const allowed = new Set((options.candidates ?? candidateConfigs(dtype, gpu)).map(configName));
  if (!cached || !config || !allowed.has(cached.config)) return null;
  return { kernel: tiledKernel(config), shapeClass: cls, shape: rep, gflops: cached.gflops };
}
