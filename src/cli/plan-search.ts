import { performance } from 'node:perf_hooks';
import { loadCluster } from '../cluster/load.js';
import { EXIT_CODES, UsageError } from '../errors.js';
import { MAX_GLOBAL_BATCH } from '../model/cluster-model.js';
import type { RecomputeMode, ZeroStage } from '../model/layout.js';
import { fmt, pct } from '../report/format.js';
import { formatTable } from '../report/table.js';
import type { PlanLayout, SearchPlan } from '../sim/search/exact.js';
import { type SearchResult, searchPlans } from '../sim/search/plan-search.js';
import type { FixedDimensions } from '../sim/search/space.js';
import { loadWorkload } from '../workload/load.js';
import { boolFlag, choiceFlag, intFlag, type ParsedArgs, stringFlag } from './args.js';
import { assertFinite, printJson } from './output.js';

export const searchFlagHelp = `Planner (--search):
  --search               search layouts per generation and the policies' partitions; rank plans by step
                         time. Layout flags given with it fix that dimension (--tp 8: tp 8 only); searched:
                         --tp --pp --cp --micro-batch --interleave --zero --recompute
  --top N                plans to print (default 10)`;

/** Flags a search cannot take: it chooses them, or they describe one fixed layout. */
const NOT_WITH_SEARCH = ['layout', 'schedule', 'sequence-parallel', 'attention', 'overlap'];

/** `hetbench plan --search`: exit 0 with ranked plans, 2 when no plan is feasible (the message says why). */
export function runPlanSearch(values: ParsedArgs['values']): typeof EXIT_CODES.ok {
  for (const name of NOT_WITH_SEARCH)
    if (values[name] !== undefined)
      throw new UsageError(
        `--${name}`,
        values[name],
        'cannot be combined with --search: the planner chooses the schedule and sequence parallelism, and searches flash attention; drop it, or run plan without --search.',
      );
  const clusterArg = stringFlag(values, 'cluster');
  const workloadArg = stringFlag(values, 'workload');
  if (clusterArg === undefined) throw new UsageError('--cluster', undefined, 'is required with --search.');
  if (workloadArg === undefined) throw new UsageError('--workload', undefined, 'is required with --search.');
  const { cluster, gpus } = loadCluster(clusterArg);
  const workload = loadWorkload(workloadArg);
  const rawBatch = stringFlag(values, 'global-batch');
  const globalBatch =
    rawBatch !== undefined
      ? intFlag('--global-batch', rawBatch, 1, 1, MAX_GLOBAL_BATCH)
      : 'sequences' in workload.globalBatch
        ? workload.globalBatch.sequences
        : workload.globalBatch.sequencesPerGpu * cluster.groups.reduce((n, g) => n + g.count, 0);
  const top = intFlag('--top', stringFlag(values, 'top'), 10, 1, 1000);
  const t0 = performance.now();
  let result: SearchResult;
  try {
    result = searchPlans(cluster, workload, { globalBatch, gpus, top, fixed: fixedFrom(values) });
  } catch (err) {
    if (err instanceof UsageError && err.field === 'search') throw err.withField('--search');
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = { search: { seconds, ...result.search }, lockstep: result.lockstep, plans: result.plans };
  assertFinite(out, 'search');
  if (boolFlag(values, 'json')) printJson(out);
  else process.stdout.write(`${renderSearch(cluster.name, workload.name, globalBatch, out, seconds)}\n`);
  return EXIT_CODES.ok;
}

function fixedFrom(values: ParsedArgs['values']): FixedDimensions {
  const opt = (flag: string, max: number): number | undefined => {
    const raw = stringFlag(values, flag);
    return raw === undefined ? undefined : intFlag(`--${flag}`, raw, 1, 1, max);
  };
  const zeroRaw = stringFlag(values, 'zero');
  const recomputeRaw = stringFlag(values, 'recompute');
  const fixed: Record<string, unknown> = {
    tp: opt('tp', 1024),
    pp: opt('pp', 1024),
    cp: opt('cp', 1024),
    microBatch: opt('micro-batch', 65_536),
    interleave: opt('interleave', 128),
    zero: zeroRaw === undefined ? undefined : (intFlag('--zero', zeroRaw, 0, 0, 3) as ZeroStage),
    recompute:
      recomputeRaw === undefined
        ? undefined
        : (choiceFlag('--recompute', recomputeRaw, 'none', ['none', 'selective', 'full'] as const) as RecomputeMode),
  };
  return Object.fromEntries(Object.entries(fixed).filter(([, v]) => v !== undefined)) as FixedDimensions;
}

function layoutText(l: PlanLayout): string {
  const parts = [`tp${l.tp}`, `pp${l.pp}`];
  if (l.cp > 1) parts.push(`cp${l.cp}`);
  if (l.interleave > 1) parts.push(`v${l.interleave}`);
  parts.push(`mb${l.microBatch}`, `z${l.zero}`);
  if (l.recompute !== 'none') parts.push(l.recompute === 'full' ? 'rc-full' : 'rc-sel');
  const share = l.sequences === 0 ? 'idle' : `${l.microBatchesPerReplica} mb/replica`;
  return `${parts.join(' ')} x${l.replicas.toLocaleString('en-US')} (${share})`;
}

export function renderSearch(
  clusterName: string,
  workloadName: string,
  globalBatch: number,
  r: { search: SearchResult['search']; lockstep: SearchPlan; plans: readonly SearchPlan[] },
  seconds: number,
): string {
  const s = r.search;
  const gens = r.lockstep.layouts.map((l) => l.gpu);
  const row = (rank: string, p: SearchPlan): string[] => [
    rank,
    p.policy,
    fmt(p.step.seconds),
    pct(p.step.mfu),
    fmt(p.step.tflopsPerGpu),
    `${fmt(p.speedupOverLockstep)}x`,
    ...p.layouts.map(layoutText),
  ];
  const table = formatTable(
    ['#', 'policy', 'step s', 'MFU', 'TFLOP/s/GPU', 'vs lockstep', ...gens],
    [...r.plans.map((p, i) => row(String(i + 1), p)), row('lockstep', r.lockstep)],
  );
  const excluded = Object.entries(s.excluded)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  return [
    `Plan search: ${workloadName} on ${clusterName}, global batch ${globalBatch.toLocaleString('en-US')} sequences`,
    `${s.candidates.toLocaleString('en-US')} layouts per generation considered (excluded: ${excluded}; ` +
      `${s.dominated.toLocaleString('en-US')} dominated), ${s.combinations.toLocaleString('en-US')} combinations paired, ` +
      `${s.feasiblePlans.toLocaleString('en-US')} feasible plans, ${fmt(seconds)} s`,
    '',
    table,
    '',
    explain(r.plans[0] ?? r.lockstep, r.lockstep, s.lockstepOnBestLayoutsSeconds),
  ].join('\n');
}

/** What the best plan's speedup over lockstep comes from: each generation's layout and share. */
export function explain(best: SearchPlan, lock: SearchPlan, lockstepOnBestS: number | null): string {
  if (best === lock || best.speedupOverLockstep <= 1 + 1e-9) {
    // Why nothing wins at this batch: a split moves a replica's work by whole micro-batches, and
    // with one or two per replica no move shortens the slowest generation (batch granularity).
    const most = Math.max(0, ...lock.layouts.map((l) => l.microBatchesPerReplica));
    const perReplica = lock.layouts.map((l) => `${l.gpu} ${l.microBatchesPerReplica}`).join(', ');
    return (
      'The best plan is the lockstep one: no other layout or split is faster. ' +
      `Its replicas run ${perReplica} micro-batches per step; a split moves a replica's work by whole ` +
      'micro-batches' +
      (most <= 4
        ? ', so with this few no other split shortens the slowest generation (batch granularity): a larger ' +
          '--global-batch gives the split room (docs/simulator.md, colossus-1).'
        : ', and none of the other layouts and splits shortened the slowest generation.')
    );
  }
  const changes = best.layouts.map((b, i) => {
    const l = lock.layouts[i] as PlanLayout;
    const layout =
      layoutText({ ...b, sequences: 1, microBatchesPerReplica: 0 }) ===
      layoutText({ ...l, sequences: 1, microBatchesPerReplica: 0 })
        ? 'same layout'
        : `layout ${layoutText({ ...l, sequences: 1 }).split(' (')[0]} -> ${layoutText({ ...b, sequences: 1 }).split(' (')[0]}`;
    const share = (p: PlanLayout): string => `${fmt((100 * p.sequences) / Math.max(1, sumSequences(lock)))}%`;
    const shareText =
      b.sequences === 0 ? `share ${share(l)} -> 0 (left idle)` : `share of the batch ${share(l)} -> ${share(b)}`;
    return `${b.gpu}: ${layout}, ${shareText}`;
  });
  return (
    `Best plan (${best.policy}) is ${fmt(best.speedupOverLockstep)}x lockstep's best (${fmt(lock.step.seconds)} s -> ` +
    `${fmt(best.step.seconds)} s): ${changes.join('; ')}. ` +
    (lockstepOnBestS === null
      ? 'Lockstep cannot place the batch on these layouts: the split and the layouts win together.'
      : `Of that, the layouts (replica shaping, bubble) give ${fmt(lock.step.seconds / lockstepOnBestS)}x ` +
        `(lockstep on them: ${fmt(lockstepOnBestS)} s) and the split over generations ${fmt(lockstepOnBestS / best.step.seconds)}x.`)
  );
}

function sumSequences(p: SearchPlan): number {
  return p.layouts.reduce((n, l) => n + l.sequences, 0);
}
