import { loadCluster } from '../cluster/load.js';
import { clusterPresetNames } from '../cluster/presets.js';
import { UsageError } from '../errors.js';
import { buildClusterModel, DEFAULT_OVERLAP, MAX_GLOBAL_BATCH } from '../model/cluster-model.js';
import { getPolicy, policyNames, type PolicyName } from '../policy/index.js';
import { DEFAULT_JITTER_CV, simulate, type SimulationResult } from '../sim/simulate.js';
import { loadWorkload } from '../workload/load.js';
import { workloadPresetNames } from '../workload/presets.js';
import { boolFlag, choiceFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import type { Command } from './command.js';
import { fmt, formatTable, pct, printJson } from './output.js';

const MAX_STEPS = 1_000_000;

const help = `
Usage: hetbench simulate --cluster C --workload W [options]

Simulates synchronous data-parallel training steps of a workload on a (mixed) cluster under
each batch-partitioning policy, with the analytic cost model and seeded per-worker jitter,
and prints one row per policy: step time, tokens/s, MFU, straggler loss, speedup over
lockstep and each generation's busy fraction; then lockstep's loss split by cause and the
adaptive policy's convergence. Pure model: no GPU is used.

Options:
  --cluster C        preset (${clusterPresetNames.join(', ')}) or a cluster JSON file
  --workload W       preset (${workloadPresetNames.join(', ')}) or a workload JSON file
  --policy P         ${policyNames.join(', ')}, a comma-separated list, or all (default all)
  --steps N          simulated steps, 1 to ${MAX_STEPS.toLocaleString('en-US')} (default 1000)
  --seed S           seed of the jitter draws (default 1)
  --jitter CV        per-GPU per-step compute-time coefficient of variation, 0..1 (default ${DEFAULT_JITTER_CV})
  --jitter-dist D    lognormal | normal (default lognormal)
  --global-batch N   sequences per step (default: the workload's global batch)
  --overlap F        fraction of the all-reduce hidden behind compute, 0..1 (default ${DEFAULT_OVERLAP})
  --json             print the full result as JSON (per-policy figures, decomposition, traces)
  -h, --help         show this help

Definitions (docs/simulator.md): step = slowest generation's compute (its slowest GPU, the
expected maximum of n jittered workers) + exposed all-reduce; straggler loss = 1 - busy
GPU-time / total GPU-time; MFU = model FLOP/s / sum of every GPU's own peak; speedup =
lockstep step time / policy step time. islands runs each generation as its own job: its
step time is the time the cluster takes per global batch of sequences, not one model's step.

Exit codes: 0 ok, 2 bad input.
`;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'simulate training steps under each partitioning policy (model, no GPU)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('simulate', argv, {
      cluster: { type: 'string' },
      workload: { type: 'string' },
      policy: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      jitter: { type: 'string' },
      'jitter-dist': { type: 'string' },
      'global-batch': { type: 'string' },
      overlap: { type: 'string' },
      json: { type: 'boolean' },
    });
    const clusterArg = stringFlag(values, 'cluster');
    const workloadArg = stringFlag(values, 'workload');
    if (clusterArg === undefined) throw new UsageError('--cluster', undefined, `is required: a preset (${clusterPresetNames.join(', ')}) or a cluster JSON file.`);
    if (workloadArg === undefined) throw new UsageError('--workload', undefined, `is required: a preset (${workloadPresetNames.join(', ')}) or a workload JSON file.`);
    const policies = parsePolicies(stringFlag(values, 'policy'));
    const steps = intFlag('--steps', stringFlag(values, 'steps'), 1000, 1, MAX_STEPS);
    const seed = intFlag('--seed', stringFlag(values, 'seed'), 1, 0, 2 ** 32 - 1);
    const jitterCv = numberFlag('--jitter', stringFlag(values, 'jitter'), DEFAULT_JITTER_CV, 0, 1);
    const jitterKind = choiceFlag('--jitter-dist', stringFlag(values, 'jitter-dist'), 'lognormal', ['lognormal', 'normal'] as const);
    const overlap = numberFlag('--overlap', stringFlag(values, 'overlap'), DEFAULT_OVERLAP, 0, 1);
    const rawBatch = stringFlag(values, 'global-batch');
    const { cluster, gpus } = loadCluster(clusterArg);
    const workload = loadWorkload(workloadArg);
    const model = buildClusterModel(
      cluster,
      workload,
      rawBatch === undefined ? { gpus, overlap } : { gpus, overlap, globalBatch: intFlag('--global-batch', rawBatch, 1, 1, MAX_GLOBAL_BATCH) },
    );
    const result = simulate(model, { policies, steps, seed, jitterCv, jitterKind });
    if (boolFlag(values, 'json')) printJson(result);
    else process.stdout.write(`${renderSimulation(result, model.classes.map((c) => c.gpu.id))}\n`);
    return 0;
  },
};

function parsePolicies(raw: string | undefined): PolicyName[] {
  if (raw === undefined || raw === 'all') return [...policyNames];
  const names = raw.split(',').map((s) => s.trim());
  return [...new Set(names.map((n) => getPolicy(n).name))];
}

/** The terminal rendering: one row per policy, then the decomposition and adaptive lines. */
export function renderSimulation(r: SimulationResult, classIds: readonly string[]): string {
  const header = ['policy', 'step s', 'tokens/s', 'MFU', 'straggler loss', 'speedup', `busy (${classIds.join(' / ')})`, 'per-GPU batch'];
  const rows = r.policies.map((p) => [
    p.policy,
    fmt(p.figures.stepS, 4),
    fmt(p.figures.tokensPerS),
    pct(p.figures.mfu),
    pct(p.figures.stragglerLoss),
    `${p.figures.speedup.toFixed(3)}x`,
    p.figures.busy.map((b) => pct(b, 0)).join(' / '),
    p.perGpuBatch.join(' / '),
  ]);
  const d = r.decomposition;
  const jitter = r.jitter.kind === 'none' ? 'no jitter' : `${r.jitter.kind} jitter CV ${r.jitter.cv}`;
  const lines = [
    `${r.cluster} / ${r.workload}: ${r.gpus.toLocaleString('en-US')} GPUs, global batch ${r.globalBatch.toLocaleString('en-US')} sequences, ${r.steps.toLocaleString('en-US')} steps, seed ${r.seed}, ${jitter}`,
    `slowest-of-n tail per generation: ${r.tailFactors.map((f, i) => `${classIds[i] ?? i} x${f.toFixed(3)}`).join(', ')}; exposed all-reduce ${fmt(r.exposedAllReduceS)} s`,
    '',
    formatTable(header, rows),
    '',
    `lockstep loss ${pct(d.total)} of GPU-time = generation mix ${pct(d.generationMix)} + memory caps ${pct(d.memoryCaps)} + jitter at scale ${pct(d.jitter)} + communication ${pct(d.communication)}`,
  ];
  if (r.adaptive) {
    const s = r.adaptive.stepsToWithin2pct;
    lines.push(s === null ? 'adaptive: not within 2% of minmax by the last step' : `adaptive: within 2% of minmax after ${s} step${s === 1 ? '' : 's'} (and stays there)`);
  }
  const isl = r.policies.find((p) => p.islands);
  if (isl?.islands) {
    lines.push(`islands: each generation its own job; per-island step s ${isl.islands.stepS.map((s, i) => `${classIds[i] ?? i} ${fmt(s)}`).join(', ')} (separate replicas, not one model)`);
  }
  return lines.join('\n');
}
