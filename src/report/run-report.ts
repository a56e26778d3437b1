import type { Environment } from '../bench/environment-info.js';
import { classRatioSummary } from '../bench/measured-compose.js';
import type { MeasuredRunResult } from '../bench/measured-run.js';
import type { PolicyRun } from '../bench/policy-run.js';
import type { ClusterSpec } from '../cluster/types.js';
import type { ClusterModel } from '../model/types.js';
import { VERSION } from '../version.js';
import type { WorkloadSpec } from '../workload/types.js';
import { type Metric, type MetricId, metric, type RunFigure } from './metric.js';
import { assessQuality, NO_ROUNDS_QUALITY } from './quality.js';
import { type RunClass, type RunReport, SCHEMA_VERSION } from './schema.js';

/** A run report's inputs as the run has them: the report's, with the specs typed (a loaded report's are unknown). */
export type RunInputs = Omit<RunReport['inputs'], 'cluster' | 'workload'> & {
  readonly cluster: ClusterSpec;
  readonly workload: WorkloadSpec;
};

/**
 * Each round's speedup of `p` over lockstep: lockstep's step over p's step in the same round.
 * Rounds interleave the policies step by step, so the two steps of a pair ran moments apart and
 * a change of the local device's speed between runs (host load, clocks) cancels out.
 */
export function perRoundSpeedups(lockstep: PolicyRun, p: PolicyRun): number[] {
  const out: number[] = [];
  for (let t = 0; t < Math.min(lockstep.steps.length, p.steps.length); t++) {
    const l = lockstep.steps[t]?.stepS ?? 0;
    const s = p.steps[t]?.stepS ?? 0;
    if (l > 0 && s > 0) out.push(l / s);
  }
  return out;
}

/** Each class's metric label: its GPU id, or `<gpu>-g<group>` where two groups share a GPU. */
export function classLabels(model: ClusterModel): string[] {
  const ids = model.classes.map((c) => c.gpu.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-'));
  return ids.map((id, i) => (ids.indexOf(id) === ids.lastIndexOf(id) ? id : `${id}-g${model.classes[i]?.index ?? i}`));
}

/** Per class: its median measured over modelled compute time, a 95% interval, and the sample count. */
export function runClasses(model: ClusterModel, classRatios: readonly (readonly number[])[]): RunClass[] {
  return model.classes.map((c, i) => {
    const xs = classRatios[i] ?? [];
    const s = classRatioSummary(xs, i);
    return {
      gpu: c.gpu.id,
      count: c.count,
      ...(s ? { measured: { computeRatio: s.median, ci: [s.lower, s.upper] as const, samples: xs.length } } : {}),
    };
  });
}

/** The tracked figures of a run, with per-step samples so `compare` can test them. */
export function runMetrics(
  policies: readonly PolicyRun[],
  model: ClusterModel,
  classRatios: readonly (readonly number[])[] = [],
  classes: readonly RunClass[] = runClasses(model, classRatios),
): Metric[] {
  const metrics: Metric[] = [];
  const lockstep = policies.find((p) => p.policy === 'lockstep');
  for (const p of policies) {
    const stepS = p.steps.map((s) => s.stepS);
    const sequences = p.allocation.reduce((a, b) => a + b, 0);
    const id = (figure: RunFigure): MetricId => ({ scope: 'run', policy: p.policy, figure });
    metrics.push(
      metric(id('stepTime'), p.measured.stepS, stepS, p.measured.ci.stepS),
      metric(
        id('tokensPerS'),
        p.measured.tokensPerS,
        stepS.map((t) => (t > 0 ? (sequences * model.tokensPerSequence) / t : 0)),
        p.measured.ci.tokensPerS,
      ),
      metric(
        id('stragglerLoss'),
        p.measured.stragglerLoss,
        p.steps.map((s) => s.stragglerLoss ?? Number.NaN).filter(Number.isFinite),
        p.measured.ci.stragglerLoss,
      ),
      metric(
        id('mfu'),
        p.measured.mfu,
        p.steps.map((s) => s.mfu ?? Number.NaN).filter(Number.isFinite),
        p.measured.ci.mfu,
      ),
    );
    if (lockstep && p !== lockstep)
      metrics.push(metric(id('speedup'), p.measured.speedup, perRoundSpeedups(lockstep, p), p.measured.ci.speedup));
  }
  // Each generation's speed against the rest of the device: the one figure a fail-slow class
  // moves and a drifting device does not (measured-compose.ts classTimeRatios, docs/ci.md).
  const labels = classLabels(model);
  classRatios.forEach((xs, i) => {
    const label = labels[i];
    const measured = classes[i]?.measured;
    if (label !== undefined && measured !== undefined)
      metrics.push(metric({ scope: 'class', label, figure: 'computeRatio' }, measured.computeRatio, xs, measured.ci));
  });
  return metrics;
}

export function buildRunReport(args: {
  readonly inputs: RunInputs;
  readonly model: ClusterModel;
  readonly environment: Environment;
  readonly result: MeasuredRunResult | null;
  readonly failure: string | null;
  readonly wallS: number;
}): RunReport & { readonly measurement: unknown } {
  const { inputs, model, result } = args;
  const policies = result?.policies ?? [];
  const classes = runClasses(model, result?.classRatios ?? []);
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'run',
    tool: { name: 'hetbench', version: VERSION },
    createdAt: new Date().toISOString(),
    environment: args.environment,
    metrics: runMetrics(policies, model, result?.classRatios ?? [], classes),
    status: args.failure === null ? 'complete' : 'partial',
    ...(args.failure === null ? {} : { failure: args.failure }),
    inputs: {
      cluster: inputs.cluster,
      workload: inputs.workload,
      policies: inputs.policies,
      steps: inputs.steps,
      seed: inputs.seed,
      quick: inputs.quick,
      ...(inputs.slow ? { slow: inputs.slow } : {}),
      ...(inputs.policyModules ? { policyModules: inputs.policyModules } : {}),
    },
    classes,
    policies,
    decomposition: result?.prediction.decomposition ?? null,
    ...(result?.prediction.hybridDecomposition ? { hybridDecomposition: result.prediction.hybridDecomposition } : {}),
    adaptiveTrace: result?.adaptiveTrace ?? null,
    wallS: args.wallS,
    quality: result ? assessQuality(result) : NO_ROUNDS_QUALITY,
    // How the local measurement was made (dilation, local noise): documented in docs/measured.md.
    measurement: result
      ? {
          globalBatch: model.globalBatch,
          calibration: result.calibration,
          jitter: result.jitter,
          exposedAllReduceS: result.prediction.exposedAllReduceS,
          // Why the rounds ended, how many ran, and the widest speedup interval then.
          stop: result.stop,
        }
      : null,
  };
}
