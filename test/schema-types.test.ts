import { describe, expect, it } from 'vitest';
import clusterSchema from '../schemas/cluster.schema.json' with { type: 'json' };
import reportSchema from '../schemas/report.schema.json' with { type: 'json' };
import tuneCacheSchema from '../schemas/tune-cache.schema.json' with { type: 'json' };
import workloadSchema from '../schemas/workload.schema.json' with { type: 'json' };
import type { Environment } from '../src/bench/environment-info.js';
import type { PolicyRun } from '../src/bench/policy-run.js';
import type { ClusterSpecFile } from '../src/cluster/parse.js';
import type { GpuEntry } from '../src/cluster/parse-gpus.js';
import type { ClusterGroup } from '../src/cluster/types.js';
import type { AdapterInfo } from '../src/gpu/adapter-info.js';
import type { GpuSpec, Source } from '../src/hardware/types.js';
import type { Roofline } from '../src/kernels/roofline.js';
import type { CacheFile, TuneEntry } from '../src/kernels/tune-cache.js';
import type { BenchReport, KernelResult, Metric, Quality, Report, RunReport } from '../src/report/schema.js';
import type { HybridLossDecomposition } from '../src/sim/decompose-hybrid.js';
import type { LossDecomposition, PolicyFigures, StepSample } from '../src/sim/figures.js';
import type { WorkloadSpecFile } from '../src/workload/parse.js';
import type { WorkloadSpec } from '../src/workload/types.js';

/*
 * The TypeScript types of what hetbench reads (src/cluster, src/workload, src/report/schema.ts,
 * the tuning cache) must say what schemas/ says. Each key list below is checked by the compiler
 * against its type (satisfies Record<keys, true>: a missing or extra key does not compile) and by
 * the test against its schema.
 */

type RequiredKeys<T> = { [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;
/** Every key of every member of a union. */
type AllKeys<T> = T extends unknown ? keyof T : never;
/** A set of names written as an object literal, so `satisfies Record<Names, true>` makes the compiler check it is exactly the set. */
type NameSet<K extends PropertyKey> = Record<K, true>;

interface ObjectSchema {
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, unknown>>;
}

interface Shape {
  readonly schema: ObjectSchema;
  /** The type's required keys, checked by the compiler against the type. */
  readonly required: object;
  /** The type's optional keys, checked likewise. */
  readonly optional: object;
  /** Keys the schema documents that the type leaves to another (see the comment where used). */
  readonly schemaOnly?: readonly string[];
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
const defs = reportSchema.$defs;

const SHAPES: Record<string, Shape> = {
  'cluster spec file': {
    schema: clusterSchema,
    required: { name: true, groups: true } satisfies NameSet<RequiredKeys<ClusterSpecFile>>,
    optional: { $schema: true, description: true, gpus: true } satisfies NameSet<OptionalKeys<ClusterSpecFile>>,
  },
  'cluster group': {
    schema: clusterSchema.$defs.group,
    required: { gpu: true, count: true, scaleUpDomain: true, scaleOutGBs: true } satisfies NameSet<
      RequiredKeys<ClusterGroup>
    >,
    optional: {} satisfies NameSet<OptionalKeys<ClusterGroup>>,
  },
  'cluster gpus[] entry': {
    schema: clusterSchema.$defs.gpuFields,
    required: { id: true } satisfies NameSet<RequiredKeys<GpuEntry>>,
    optional: {
      name: true,
      vendor: true,
      bf16DenseTflops: true,
      fp32Tflops: true,
      memoryGB: true,
      memoryBandwidthTBs: true,
      scaleUpGBs: true,
      tdpW: true,
      sources: true,
    } satisfies NameSet<OptionalKeys<GpuEntry>>,
  },
  'gpu source': {
    schema: clusterSchema.$defs.source,
    required: { url: true } satisfies NameSet<RequiredKeys<Source>>,
    optional: { note: true } satisfies NameSet<OptionalKeys<Source>>,
  },
  'workload spec file': {
    schema: workloadSchema,
    required: {
      name: true,
      params: true,
      layers: true,
      hidden: true,
      ffnHidden: true,
      heads: true,
      vocab: true,
      seqLen: true,
      globalBatch: true,
      dtype: true,
      recompute: true,
    } satisfies NameSet<RequiredKeys<WorkloadSpecFile>>,
    optional: { $schema: true, kvHeads: true, mlp: true } satisfies NameSet<OptionalKeys<WorkloadSpecFile>>,
  },
  'run report': {
    schema: defs.runReport,
    required: {
      schemaVersion: true,
      kind: true,
      tool: true,
      createdAt: true,
      environment: true,
      metrics: true,
      status: true,
      inputs: true,
      classes: true,
      policies: true,
      decomposition: true,
      adaptiveTrace: true,
      wallS: true,
    } satisfies NameSet<RequiredKeys<RunReport>>,
    optional: { failure: true, quality: true, hybridDecomposition: true } satisfies NameSet<OptionalKeys<RunReport>>,
    // Written by buildRunReport (src/report/run-report.ts, typed there), read by no renderer.
    schemaOnly: ['measurement'],
  },
  'bench report': {
    schema: defs.benchReport,
    required: {
      schemaVersion: true,
      kind: true,
      tool: true,
      createdAt: true,
      environment: true,
      metrics: true,
      kernels: true,
      roofline: true,
      blas: true,
    } satisfies NameSet<RequiredKeys<BenchReport>>,
    optional: {} satisfies NameSet<OptionalKeys<BenchReport>>,
  },
  'report tool': {
    schema: defs.tool,
    required: { name: true, version: true } satisfies NameSet<RequiredKeys<Report['tool']>>,
    optional: {} satisfies NameSet<OptionalKeys<Report['tool']>>,
  },
  environment: {
    schema: defs.environment,
    required: {
      gitSha: true,
      os: true,
      cpu: true,
      cores: true,
      node: true,
      webgpu: true,
      dawnToggles: true,
      adapter: true,
      timing: true,
    } satisfies NameSet<RequiredKeys<Environment>>,
    optional: { hostPolling: true, lavapipeThreads: true, dawnWarnings: true, browser: true } satisfies NameSet<
      OptionalKeys<Environment>
    >,
  },
  adapter: {
    schema: defs.adapter,
    required: {
      vendor: true,
      architecture: true,
      device: true,
      description: true,
      isFallbackAdapter: true,
      backend: true,
    } satisfies NameSet<RequiredKeys<AdapterInfo>>,
    optional: {} satisfies NameSet<OptionalKeys<AdapterInfo>>,
  },
  metric: {
    schema: defs.metric,
    required: { name: true, unit: true, better: true, value: true, samples: true } satisfies NameSet<
      RequiredKeys<Metric>
    >,
    optional: { ci: true } satisfies NameSet<OptionalKeys<Metric>>,
  },
  'run inputs': {
    schema: defs.runInputs,
    required: { cluster: true, workload: true, policies: true, steps: true, seed: true, quick: true } satisfies NameSet<
      RequiredKeys<RunReport['inputs']>
    >,
    optional: { slow: true, policyModules: true } satisfies NameSet<OptionalKeys<RunReport['inputs']>>,
  },
  'run class': {
    schema: defs.runReport.properties.classes.items,
    required: { gpu: true, count: true } satisfies NameSet<RequiredKeys<RunReport['classes'][number]>>,
    optional: { measured: true } satisfies NameSet<OptionalKeys<RunReport['classes'][number]>>,
  },
  'run quality': {
    schema: defs.runReport.properties.quality,
    required: { verdict: true, reasons: true } satisfies NameSet<RequiredKeys<Quality>>,
    optional: {} satisfies NameSet<OptionalKeys<Quality>>,
  },
  'policy run': {
    schema: defs.policyRun,
    required: { policy: true, allocation: true, measured: true, predicted: true, steps: true } satisfies NameSet<
      RequiredKeys<PolicyRun>
    >,
    optional: {} satisfies NameSet<OptionalKeys<PolicyRun>>,
  },
  'policy figures': {
    schema: defs.policyFigures,
    required: {
      stepS: true,
      stragglerLoss: true,
      busy: true,
      tokensPerS: true,
      mfu: true,
      speedup: true,
    } satisfies NameSet<RequiredKeys<PolicyFigures>>,
    optional: {} satisfies NameSet<OptionalKeys<PolicyFigures>>,
  },
  'step sample': {
    schema: defs.stepSample,
    required: { stepS: true, classComputeS: true, allReduceS: true } satisfies NameSet<RequiredKeys<StepSample>>,
    optional: { stragglerLoss: true, mfu: true } satisfies NameSet<OptionalKeys<StepSample>>,
  },
  'loss decomposition': {
    schema: defs.lossDecomposition,
    required: {
      total: true,
      generationMix: true,
      jitter: true,
      communication: true,
      memoryCaps: true,
    } satisfies NameSet<RequiredKeys<LossDecomposition>>,
    optional: {} satisfies NameSet<OptionalKeys<LossDecomposition>>,
  },
  'hybrid loss decomposition': {
    schema: defs.hybridLossDecomposition,
    required: {
      total: true,
      generationMix: true,
      pipelineBubble: true,
      tpCommunication: true,
      ppCommunication: true,
      dpSync: true,
      jitter: true,
      memoryLimits: true,
      batchGranularity: true,
      unusedGpus: true,
      steps: true,
    } satisfies NameSet<RequiredKeys<HybridLossDecomposition>>,
    optional: {} satisfies NameSet<OptionalKeys<HybridLossDecomposition>>,
  },
  'kernel result': {
    schema: defs.kernelResult,
    required: {
      kernel: true,
      m: true,
      n: true,
      k: true,
      dtype: true,
      gflops: true,
      samples: true,
      fractionOfPeak: true,
    } satisfies NameSet<RequiredKeys<KernelResult>>,
    optional: {} satisfies NameSet<OptionalKeys<KernelResult>>,
  },
  roofline: {
    schema: defs.roofline,
    required: { fmaF32Gflops: true, fmaF16Gflops: true, bandwidthGBs: true } satisfies NameSet<RequiredKeys<Roofline>>,
    optional: {} satisfies NameSet<OptionalKeys<Roofline>>,
  },
  'bench blas row': {
    schema: defs.benchReport.properties.blas.items,
    required: { m: true, n: true, k: true, gflops: true } satisfies NameSet<
      RequiredKeys<NonNullable<BenchReport['blas']>[number]>
    >,
    optional: {} satisfies NameSet<OptionalKeys<NonNullable<BenchReport['blas']>[number]>>,
  },
  'tuning cache file': {
    schema: tuneCacheSchema,
    required: { format: true, version: true, entries: true } satisfies NameSet<RequiredKeys<CacheFile>>,
    optional: {} satisfies NameSet<OptionalKeys<CacheFile>>,
  },
  'tuning cache entry': {
    schema: tuneCacheSchema.$defs.entry,
    required: { config: true, gflops: true, shape: true, tunedAt: true } satisfies NameSet<RequiredKeys<TuneEntry>>,
    optional: {} satisfies NameSet<OptionalKeys<TuneEntry>>,
  },
};

describe('the TypeScript types agree with the schemas', () => {
  it.each(Object.entries(SHAPES))('%s: same required keys, same properties', (_name, shape) => {
    expect(sorted(shape.schema.required ?? [])).toEqual(sorted(Object.keys(shape.required)));
    expect(sorted(Object.keys(shape.schema.properties))).toEqual(
      sorted([...Object.keys(shape.required), ...Object.keys(shape.optional), ...(shape.schemaOnly ?? [])]),
    );
  });

  it('a new GPU must give every field of GpuSpec but its sources; sources are keyed by those fields', () => {
    const numbers = {
      id: true,
      name: true,
      bf16DenseTflops: true,
      fp32Tflops: true,
      memoryGB: true,
      memoryBandwidthTBs: true,
      scaleUpGBs: true,
      tdpW: true,
    } satisfies NameSet<Exclude<RequiredKeys<GpuSpec>, 'sources' | 'vendor'>>;
    expect(sorted(clusterSchema.$defs.gpu.then.required)).toEqual(sorted(Object.keys(numbers)));
    const sourced = {
      bf16DenseTflops: true,
      fp32Tflops: true,
      memoryGB: true,
      memoryBandwidthTBs: true,
      scaleUpGBs: true,
      tdpW: true,
    } satisfies NameSet<keyof GpuSpec['sources']>;
    expect(sorted(Object.keys(clusterSchema.$defs.gpuFields.properties.sources.properties))).toEqual(
      sorted(Object.keys(sourced)),
    );
  });

  it('the enums and batch forms are the unions of the types', () => {
    const pairs: [readonly unknown[], object][] = [
      [
        workloadSchema.properties.dtype.enum,
        { bf16: true, fp16: true, fp32: true } satisfies NameSet<WorkloadSpec['dtype']>,
      ],
      [
        clusterSchema.$defs.gpuFields.properties.vendor.enum,
        { nvidia: true, amd: true, intel: true, other: true } satisfies NameSet<GpuSpec['vendor']>,
      ],
      [defs.header.properties.kind.enum, { run: true, bench: true } satisfies NameSet<Report['kind']>],
      [defs.runReport.properties.status.enum, { complete: true, partial: true } satisfies NameSet<RunReport['status']>],
      [
        defs.runReport.properties.quality.properties.verdict.enum,
        { good: true, noisy: true, unreliable: true } satisfies NameSet<Quality['verdict']>,
      ],
      [defs.metric.properties.better.enum, { lower: true, higher: true } satisfies NameSet<Metric['better']>],
      [
        defs.environment.properties.timing.enum,
        { 'gpu-timestamp': true, 'wall-clock': true } satisfies NameSet<Environment['timing']>,
      ],
      [
        defs.environment.properties.hostPolling.enum,
        { busy: true, timer: true } satisfies NameSet<NonNullable<Environment['hostPolling']>>,
      ],
      [defs.kernelResult.properties.dtype.enum, { f32: true, f16: true } satisfies NameSet<KernelResult['dtype']>],
    ];
    for (const [values, names] of pairs) expect(sorted(values.map(String))).toEqual(sorted(Object.keys(names)));
    expect(sorted(Object.keys(workloadSchema.properties.globalBatch.properties))).toEqual(
      sorted(
        Object.keys({ sequences: true, sequencesPerGpu: true, tokens: true } satisfies NameSet<
          AllKeys<WorkloadSpecFile['globalBatch']>
        >),
      ),
    );
  });
});
