import { loadCluster } from '../cluster/load.js';
import { clusterPresetNames } from '../cluster/presets.js';
import { UsageError } from '../errors.js';
import { type AppliedFleet, applyFleet } from '../fleet/apply.js';
import { readFleetInput } from '../fleet/node-file.js';
import type { GpuSpec } from '../hardware/types.js';
import { buildClusterModel, DEFAULT_OVERLAP, MAX_GLOBAL_BATCH } from '../model/cluster-model.js';
import type { ClusterModel } from '../model/types.js';
import { type BuiltinPolicyName, getPolicy, policyNames } from '../policy/index.js';
import { buildHybridJob, type HybridJob } from '../sim/hybrid-model.js';
import { loadWorkload } from '../workload/load.js';
import { workloadPresetNames } from '../workload/presets.js';
import { intFlag, numberFlag, type ParsedArgs, stringFlag } from './args.js';
import { layoutField, layoutFlagHelp, layoutFlagOptions, layoutsGiven } from './layout-flags.js';

/** The flags that pick and shape the modelled cluster: shared by plan, simulate and run. */
export const modelFlagOptions = {
  cluster: { type: 'string' },
  workload: { type: 'string' },
  'global-batch': { type: 'string' },
  overlap: { type: 'string' },
  fleet: { type: 'string' },
  ...layoutFlagOptions,
} as const;

export const modelFlagHelp = `  --cluster NAME|FILE    cluster preset (${clusterPresetNames.join(', ')}) or a JSON spec file
  --workload NAME|FILE   workload preset (${workloadPresetNames.join(', ')}) or a JSON spec file
  --global-batch N       sequences per step (default: the workload's global batch)
  --overlap F            fraction of the all-reduce hidden behind compute, 0..1 (default ${DEFAULT_OVERLAP};
                         DP-only model: a hybrid layout derives its overlap from the schedule)
  --fleet FILE           a merged fleet file (fleet merge --out): measured per-generation speed factors
                         scale the generations' compute; simulate and run also take its empirical
                         jitter for the slowest-of-n tail unless --jitter is given (docs/fleet.md)

${layoutFlagHelp}`;

/**
 * Loads the cluster and workload the flags name (or the given defaults; without one the flag
 * is required) and builds their model.
 */
export function modelFromFlags(
  values: ParsedArgs['values'],
  defaults: { readonly cluster?: string; readonly workload?: string } = {},
): ClusterModel {
  return jobFromFlags(values, defaults).model;
}

/** The model the flags give, and the hybrid job behind it when layout flags are given. */
export function jobFromFlags(
  values: ParsedArgs['values'],
  defaults: { readonly cluster?: string; readonly workload?: string } = {},
): { readonly model: ClusterModel; readonly hybrid: HybridJob | null; readonly fleet: AppliedFleet | null } {
  const clusterArg = stringFlag(values, 'cluster') ?? defaults.cluster;
  const workloadArg = stringFlag(values, 'workload') ?? defaults.workload;
  if (clusterArg === undefined)
    throw new UsageError(
      '--cluster',
      undefined,
      `is required: a preset (${clusterPresetNames.join(', ')}) or a cluster JSON file.`,
    );
  if (workloadArg === undefined)
    throw new UsageError(
      '--workload',
      undefined,
      `is required: a preset (${workloadPresetNames.join(', ')}) or a workload JSON file.`,
    );
  const overlap = numberFlag('--overlap', stringFlag(values, 'overlap'), DEFAULT_OVERLAP, 0, 1);
  const rawBatch = stringFlag(values, 'global-batch');
  const { cluster, gpus: catalogGpus } = loadCluster(clusterArg);
  const fleet = fleetFromFlags(
    values,
    catalogGpus,
    cluster.groups.map((g) => g.gpu),
  );
  const gpus = fleet?.gpus ?? catalogGpus;
  const workload = loadWorkload(workloadArg);
  const globalBatch = rawBatch === undefined ? undefined : intFlag('--global-batch', rawBatch, 1, 1, MAX_GLOBAL_BATCH);
  const given = layoutsGiven(values, workload);
  if (given !== null) {
    const { layouts, mixed, mixedAt } = given;
    const plainAt = layouts.length === 0 ? [] : mixedAt.length === 0 ? [] : plainIndices(layouts.length, mixedAt);
    if (stringFlag(values, 'overlap') !== undefined)
      throw new UsageError(
        '--overlap',
        stringFlag(values, 'overlap'),
        'applies to the DP-only model; a layout derives the DP overlap from its schedule.',
      );
    let hybrid: HybridJob;
    try {
      hybrid = buildHybridJob(
        cluster,
        workload,
        layouts,
        {
          gpus,
          ...(globalBatch === undefined ? {} : { globalBatch }),
          ...(mixed.length === 0
            ? {}
            : { mixed, mixedField: (j: number, name: string) => `$.layouts[${mixedAt[j] ?? j}].${name}` }),
        },
        (group, name) => layoutField(values, group, name, plainAt),
      );
    } catch (err) {
      // The batch the layout's replicas cannot split, the flag's or the workload's: either way
      // --global-batch is how to fix it.
      if (err instanceof UsageError && (err.field === 'globalBatch' || err.field === '$.globalBatch'))
        throw err.withField('--global-batch');
      throw err;
    }
    if (hybrid.idleReplicas > 0) process.stderr.write(`${idleReplicasNote(hybrid, globalBatch === undefined)}\n`);
    return { model: hybrid.model, hybrid, fleet };
  }
  return {
    model: buildClusterModel(
      cluster,
      workload,
      globalBatch === undefined ? { gpus, overlap } : { gpus, overlap, globalBatch },
    ),
    hybrid: null,
    fleet,
  };
}

/** What a batch smaller than the layout's replica count means for the job, and how to change it. */
export function idleReplicasNote(hybrid: HybridJob, batchFromWorkload: boolean): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const active = hybrid.totalReplicas - hybrid.idleReplicas;
  return (
    `hetbench: note: the global batch${batchFromWorkload ? " (the workload's)" : ''} of ${n(active)} sequences ` +
    `gives ${n(active)} of the layout's ${n(hybrid.totalReplicas)} data-parallel replicas one sequence each; ` +
    `${n(hybrid.idleReplicas)} replicas idle every step (their GPUs count in MFU and the loss). ` +
    `To use them, raise --global-batch to at least ${n(hybrid.totalReplicas)} or make replicas larger (a higher --tp, --pp or --cp).`
  );
}

/**
 * The --fleet file applied to the cluster's GPUs (fleet/apply.ts: speed factors, and the
 * jitter samples simulate and run use unless --jitter is given), or null without the flag.
 */
function fleetFromFlags(
  values: ParsedArgs['values'],
  gpus: readonly GpuSpec[],
  clusterGpuIds: readonly string[],
): AppliedFleet | null {
  const path = stringFlag(values, 'fleet');
  if (path === undefined) return null;
  const input = readFleetInput(path, ['fleet']);
  if (input.kind !== 'fleet') throw new UsageError('--fleet', path, 'must be a merged fleet file (fleet merge --out).');
  return applyFleet(input.fleet, gpus, clusterGpuIds, path);
}

/** File indices of the layouts without stages, when mixed ones sit among them. */
function plainIndices(plain: number, mixedAt: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < plain; i++) if (!mixedAt.includes(i)) out.push(i);
  return out;
}

/**
 * `--policy P[,P...]|all` of built-in names only, checked against the registry, duplicates
 * dropped. simulate and run take policy modules too: cli/policy-module.ts loadPolicies.
 */
export function parsePolicies(raw: string | undefined): BuiltinPolicyName[] {
  if (raw === undefined || raw === 'all') return [...policyNames];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new UsageError('--policy', raw, `must name policies: ${policyNames.join(', ')}, or all.`);
  return [...new Set(names.map((n) => getPolicy(n).name as BuiltinPolicyName))];
}

/**
 * The input that set the global batch, for errors the library raises on `globalBatch`:
 * `--global-batch` when given, else the workload's own field.
 */
export function withGlobalBatchInput(err: unknown, values: ParsedArgs['values'], defaultWorkload?: string): unknown {
  if (!(err instanceof UsageError) || err.field !== 'globalBatch') return err;
  const workload = stringFlag(values, 'workload') ?? defaultWorkload ?? 'workload';
  return err.withField(
    stringFlag(values, 'global-batch') === undefined ? `${workload}: $.globalBatch` : '--global-batch',
  );
}
