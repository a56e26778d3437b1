import { localHiddenTarget, localUnit } from '../bench/local-unit.js';
import { type KernelChooser, UnitExecutor } from '../bench/unit-executor.js';
import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { timePasses, validSeconds } from '../gpu/timer.js';
import type { MatmulShape } from '../kernels/kernel.js';
import { probeRoofline } from '../kernels/probe.js';
import { timeMatmul } from '../kernels/run-matmul.js';
import { bootstrapMedian } from '../stats/bootstrap.js';
import { median } from '../stats/quantiles.js';
import type { WorkloadSpec } from '../workload/types.js';
import type { NodeMatmul, NodeRoofline, NodeUnits } from './node-report.js';

/** How long a node measures (docs/fleet.md): sized so a software adapter finishes well under a minute. */
export interface MeasureNodeOptions {
  readonly workload: WorkloadSpec;
  readonly chooseKernel: KernelChooser;
  /** Seconds of timed units (the series runs at least MIN_STEPS steps, at most MAX_STEPS). */
  readonly durationS: number;
  /** Target local seconds of one step: the unit count per step is sized to it. */
  readonly stepS: number;
  /** Repetitions of each probe micro-kernel and of each matmul shape. */
  readonly reps: number;
  /** Width the unit's hidden dimension is scaled to (default bench/local-unit.ts localHiddenTarget). */
  readonly hiddenTarget?: number;
  /**
   * A fail-slow what-if (`fleet node --slow FACTOR`): each timed step really runs FACTOR times its
   * units while the speed counts only the step's units, so the node measures FACTOR times slower
   * and merge, which is not told, must find it. 1 (the default) is the node as it is.
   */
  readonly workFactor?: number;
  readonly onSection?: (section: NodeSection) => void;
}

export type NodeSection = 'units' | 'roofline' | 'matmul';

export interface NodeMeasurement {
  readonly roofline: NodeRoofline | null;
  readonly matmul: readonly NodeMatmul[] | null;
  readonly units: NodeUnits | null;
  /** Set when the device failed: the sections before it are kept. */
  readonly failure: DeviceError | null;
}

/** Fewest and most timed steps: 5 steps give a CV at all; 400 bound a fast GPU's series. */
export const MIN_STEPS = 5;
export const MAX_STEPS = 400;

/**
 * One node's measurement, each section the project's existing code: the timed units are the
 * measured run's unit of work (bench/local-unit.ts, run by bench/unit-executor.ts with the tuned
 * kernel per shape), the roofline is kernels/probe.ts, the matmul section times the tuned kernel
 * at each distinct shape of the same unit. Units come first: on a fleet measured at once they
 * are the section that must overlap in time across nodes. A DeviceError ends the measurement
 * with the finished sections kept; any other error is a bug and propagates.
 */
export async function measureNode(gpu: Gpu, options: MeasureNodeOptions): Promise<NodeMeasurement> {
  let units: NodeUnits | null = null;
  let roofline: NodeRoofline | null = null;
  let matmul: NodeMatmul[] | null = null;
  const unit = localUnit(options.workload, options.hiddenTarget ?? localHiddenTarget(gpu.info.isFallbackAdapter));
  try {
    options.onSection?.('units');
    const executor = await UnitExecutor.create(gpu, unit, options.chooseKernel);
    try {
      units = await timeUnits(gpu, executor, options);
    } finally {
      executor.destroy();
    }
    options.onSection?.('roofline');
    const probe = await probeRoofline(gpu, { reps: options.reps });
    roofline = {
      fmaF32Gflops: probe.fmaF32Gflops,
      fmaF16Gflops: probe.fmaF16Gflops,
      bandwidthGBs: probe.bandwidthGBs,
      method: probe.method,
    };
    options.onSection?.('matmul');
    matmul = [];
    for (const gemms of distinctShapes(unit.gemms)) {
      const shape = gemms[0]?.shape as MatmulShape;
      const kernel = await options.chooseKernel(gpu, shape);
      const t = await timeMatmul(gpu, kernel, shape, options.reps);
      matmul.push({
        gemms: gemms.map((g) => g.name),
        shape,
        kernel: kernel.name,
        medianS: t.medianS,
        gflops: t.gflops,
        fractionOfPeak: roofline.fmaF32Gflops > 0 ? t.gflops / roofline.fmaF32Gflops : null,
      });
    }
    return { roofline, matmul, units, failure: null };
  } catch (err) {
    if (!(err instanceof DeviceError)) throw err;
    return { roofline, matmul: matmul !== null && matmul.length > 0 ? matmul : null, units, failure: err };
  }
}

function distinctShapes<G extends { readonly shape: MatmulShape }>(gemms: readonly G[]): G[][] {
  const byShape = new Map<string, G[]>();
  for (const g of gemms) {
    const key = `${g.shape.m}x${g.shape.n}x${g.shape.k}`;
    byShape.set(key, [...(byShape.get(key) ?? []), g]);
  }
  return [...byShape.values()];
}

/** Steps timed per submission: a few at a time, so the duration is checked often. */
const STEPS_PER_BATCH = 5;

async function timeUnits(gpu: Gpu, executor: UnitExecutor, options: MeasureNodeOptions): Promise<NodeUnits> {
  const one = executor.work(1);
  await timePasses(gpu, [one, one]); // warm-up: the first dispatches pay for lazy driver work
  const unitS = median(validSeconds(await timePasses(gpu, [one, one, one, one, one])));
  const unitsPerStep = Math.max(1, Math.round(options.stepS / unitS));
  const workFactor = options.workFactor ?? 1;
  const step = executor.work(Math.max(1, Math.round(unitsPerStep * workFactor)));
  const stepS: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  while (
    stepS.length < MAX_STEPS &&
    (stepS.length < MIN_STEPS || (performance.now() - started) / 1000 < options.durationS)
  ) {
    const times = await timePasses(
      gpu,
      Array.from({ length: STEPS_PER_BATCH }, () => step),
    );
    stepS.push(...validSeconds(times));
  }
  const used = process.cpuUsage(cpu);
  const wallS = (performance.now() - started) / 1000;
  return summarizeUnits(stepS, unitsPerStep, executor.unit.flops, executor.unit.gemms.length, {
    hostCpuCores: (used.user + used.system) / 1e6 / wallS,
    workFactor,
  });
}

/** The speed and noise of a series of step times (pure: the merge's tests use it on given series). */
export function summarizeUnits(
  stepS: readonly number[],
  unitsPerStep: number,
  unitFlops: number,
  unitGemms: number,
  host: { readonly hostCpuCores?: number; readonly workFactor?: number } = {},
): NodeUnits {
  const rates = stepS.map((s) => unitsPerStep / s);
  const unitsPerS = median(rates);
  const interval = bootstrapMedian(rates, 0.95, 'fleet-node-units') ?? { lower: unitsPerS, upper: unitsPerS };
  const mean = stepS.reduce((a, b) => a + b, 0) / stepS.length;
  const variance = stepS.reduce((a, s) => a + (s - mean) ** 2, 0) / Math.max(1, stepS.length - 1);
  return {
    unitFlops,
    unitGemms,
    unitsPerStep,
    stepS: [...stepS],
    unitsPerS,
    interval,
    gflops: (unitsPerS * unitFlops) / 1e9,
    cv: Math.sqrt(variance) / mean,
    ...(host.hostCpuCores === undefined ? {} : { hostCpuCores: host.hostCpuCores }),
    ...(host.workFactor === undefined || host.workFactor === 1 ? {} : { workFactor: host.workFactor }),
  };
}
