import type { BrowserInfo } from '../bench/environment-info.js';
import { localHiddenTarget, localUnit } from '../bench/local-unit.js';
import { type MeasuredRunResult, measuredRun, type ProgressEvent } from '../bench/measured-run.js';
import { UnitExecutor } from '../bench/unit-executor.js';
import { parseClusterSpec } from '../cluster/parse.js';
import { clusterPresets } from '../cluster/presets.js';
import type { ClusterSpec } from '../cluster/types.js';
import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { catalog } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { kernelFor } from '../kernels/select.js';
import { buildClusterModel } from '../model/cluster-model.js';
import type { ClusterModel } from '../model/types.js';
import { lockstepAllocation } from '../policy/index.js';
import { buildRunReport } from '../report/run-report.js';
import type { RunReport } from '../report/schema.js';
import { DEFAULT_JITTER_CV } from '../sim/simulate.js';
import { parseWorkloadSpec } from '../workload/parse.js';
import { workloadPresets } from '../workload/presets.js';
import type { WorkloadSpec } from '../workload/types.js';
import { browserEnvironment } from './environment.js';
import { localSize, type PageRequest } from './request.js';

/** A run's progress: the fraction done (0..1) and a line saying what runs now. */
export type PageProgress = (fraction: number, text: string) => void;

/** The model a request names: presets by name, pasted JSON checked by the same schemas as spec files. */
export function pageModel(request: PageRequest): ClusterModel {
  const { cluster, gpus } = pageCluster(request.cluster);
  const workload = pageWorkload(request.workload);
  return buildClusterModel(cluster, workload, { gpus });
}

function pageCluster(text: string): { cluster: ClusterSpec; gpus: readonly GpuSpec[] } {
  const preset = clusterPresets.find((c) => c.name === text);
  if (preset) return { cluster: preset, gpus: catalog };
  return parseClusterSpec(parseJson(text, 'cluster'), 'cluster');
}

function pageWorkload(text: string): WorkloadSpec {
  return workloadPresets.find((w) => w.name === text) ?? parseWorkloadSpec(parseJson(text, 'workload'), 'workload');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`the pasted ${what} spec is not JSON: ${(err as Error).message}`);
  }
}

/**
 * `hetbench run` in a page: the same local unit, kernel choice, measured run and report
 * builder, on the page's device. A device failure mid-run keeps the finished steps (the
 * report is then partial, as the CLI's is).
 */
export async function runInPage(
  gpu: Gpu,
  request: PageRequest,
  browser: BrowserInfo,
  onProgress: PageProgress,
): Promise<{ readonly report: RunReport; readonly result: MeasuredRunResult | null }> {
  const started = performance.now();
  const model = pageModel(request);
  lockstepAllocation(model);
  const jitter = gpu.info.isFallbackAdapter ? { cv: DEFAULT_JITTER_CV } : ('measured' as const);
  let result: MeasuredRunResult | null = null;
  let failure: string | null = null;
  onProgress(0, 'preparing the local kernels...');
  try {
    const executor = await UnitExecutor.create(
      gpu,
      localUnit(model.workload, localHiddenTarget(gpu.info.isFallbackAdapter)),
      (g, shape) => kernelFor(g, shape, 'f32', { autotune: request.autotune }),
    );
    try {
      result = await measuredRun(gpu, executor, {
        model,
        policies: request.policies,
        steps: request.steps,
        seed: request.seed,
        jitter,
        ...localSize(request.size),
        onProgress: (e) => onProgress(...progressOf(e)),
      });
      if (result.failure) failure = result.failure.message;
    } finally {
      executor.destroy();
    }
  } catch (err) {
    if (!(err instanceof DeviceError)) throw err;
    failure = err.message;
  }
  const report = buildRunReport({
    inputs: {
      cluster: model.cluster,
      workload: model.workload,
      policies: request.policies,
      steps: request.steps,
      seed: request.seed,
      quick: request.size === 'quick',
    },
    model,
    environment: browserEnvironment(gpu, browser),
    result,
    failure,
    wallS: (performance.now() - started) / 1000,
  });
  onProgress(1, failure === null ? 'done' : `stopped: ${failure}`);
  return { report, result };
}

/** The fraction of the minimum rounds done, and what runs now. */
export function progressOf(e: ProgressEvent): [number, string] {
  if (e.phase === 'calibrate') return [0.02, 'calibrating local kernels (time dilation)...'];
  const policies = e.policies ?? 1;
  const steps = e.steps ?? 1;
  const round = e.round ?? e.step ?? 0;
  const done = round * policies + (e.policyIndex ?? 0);
  return [
    Math.min(0.99, 0.05 + (0.94 * done) / (policies * steps)),
    `step ${round + 1}/${steps}, policy ${(e.policyIndex ?? 0) + 1}/${policies} ${e.policy ?? ''}`,
  ];
}
