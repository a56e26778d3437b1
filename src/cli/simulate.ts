import { EXIT_CODES } from '../errors.js';
import { policyNames } from '../policy/index.js';
import { fmt, pct } from '../report/format.js';
import { hybridLossText } from '../report/loss-parts.js';
import { formatTable } from '../report/table.js';
import { DEFAULT_JITTER_CV, type SimulationResult, simulate } from '../sim/simulate.js';
import { stageModelOf } from '../sim/stage-jitter.js';
import { boolFlag, choiceFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { jobFromFlags, modelFlagHelp, modelFlagOptions, withGlobalBatchInput } from './model-flags.js';
import { assertFinite, printJson } from './output.js';
import { loadPolicies, type PolicyModule } from './policy-module.js';

const MAX_STEPS = 1_000_000;

const help = `
Usage: hetbench simulate --cluster C --workload W [options]

Simulates synchronous data-parallel training steps of a workload on a (mixed) cluster under
each batch-partitioning policy, with the analytic cost model and seeded per-worker jitter,
and prints one row per policy: step time, tokens/s, MFU, straggler loss, speedup over
lockstep and each generation's busy fraction; then lockstep's loss split by cause and the
adaptive policy's convergence. Pure model: no GPU is used.

Options:
${modelFlagHelp}
  --policy P             ${policyNames.join(', ')}, a comma-separated list, or all (default all);
                         a path (./my-policy.mjs) loads your own policy module beside them
                         (docs/policies.md, "Your own policy")
  --steps N              simulated steps, 1 to ${MAX_STEPS.toLocaleString('en-US')} (default 1000)
  --seed S               seed of the jitter draws (default 1)
  --jitter CV            per-GPU per-step compute-time coefficient of variation, 0..1 (default ${DEFAULT_JITTER_CV})
  --jitter-dist D        lognormal | normal (default lognormal)
  --json                 print the full result as JSON (per-policy figures, decomposition, traces)
  -h, --help             show this help

Definitions (docs/simulator.md): step = slowest generation's compute (its slowest GPU, the
expected maximum of n jittered workers) + exposed all-reduce; with a layout, jitter is
drawn per pipeline stage of each replica class and its schedule re-timed; straggler loss = 1 - busy
GPU-time / total GPU-time; MFU = model FLOP/s / sum of every GPU's own peak; speedup =
lockstep step time / policy step time. islands runs each generation as its own job: its
step time is the time the cluster takes per global batch of sequences, not one model's step.

Exit codes: 0 ok, 2 bad input, 70 internal error (a bug).
`;

export const simulateCommand: Command = defineCommand({
  name: 'simulate',
  summary: 'simulate training steps under each partitioning policy (model, no GPU)',
  help,
  flags: { policy: '--policy' },
  async run(argv) {
    const { values } = parseCommandArgs('simulate', argv, {
      ...modelFlagOptions,
      policy: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      jitter: { type: 'string' },
      'jitter-dist': { type: 'string' },
      json: { type: 'boolean' },
    });
    const selection = await loadPolicies(stringFlag(values, 'policy'));
    const { policies, modules } = selection;
    const steps = intFlag('--steps', stringFlag(values, 'steps'), 1000, 1, MAX_STEPS);
    const seed = intFlag('--seed', stringFlag(values, 'seed'), 1, 0, 2 ** 32 - 1);
    const jitterCv = numberFlag('--jitter', stringFlag(values, 'jitter'), DEFAULT_JITTER_CV, 0, 1);
    const jitterKind = choiceFlag('--jitter-dist', stringFlag(values, 'jitter-dist'), 'lognormal', [
      'lognormal',
      'normal',
    ] as const);
    const { model, hybrid, fleet } = jobFromFlags(values);
    // --fleet's measured jitter, unless --jitter is given (docs/fleet.md).
    const fleetJitter = stringFlag(values, 'jitter') === undefined ? fleet?.jitterSamples : undefined;
    let result: SimulationResult;
    try {
      // A layout's replica classes draw jitter per pipeline stage and re-time their schedules.
      const stages = hybrid ? { hybrid, stages: stageModelOf(hybrid) } : {};
      result = simulate(model, {
        policies,
        steps,
        seed,
        jitterCv,
        jitterKind,
        ...stages,
        ...(fleetJitter ? { jitterSamples: fleetJitter } : {}),
      });
    } catch (err) {
      throw withGlobalBatchInput(err, values);
    }
    assertFinite(result, 'simulate');
    // A user's module is named with its hash, so a result says which version of it ran.
    if (boolFlag(values, 'json')) printJson(modules.length > 0 ? { ...result, policyModules: modules } : result);
    else
      process.stdout.write(
        `${renderSimulation(
          result,
          model.classes.map((c) => c.gpu.id),
          modules,
        )}\n`,
      );
    return EXIT_CODES.ok;
  },
});

function dpOnlyLossLine(d: SimulationResult['decomposition']): string {
  return (
    `lockstep loss ${pct(d.total)} of GPU-time = generation mix ${pct(d.generationMix)} + ` +
    `memory caps ${pct(d.memoryCaps)} + jitter at scale ${pct(d.jitter)} + communication ${pct(d.communication)}`
  );
}

/** The terminal rendering: one row per policy, then the decomposition and adaptive lines. */
export function renderSimulation(
  r: SimulationResult,
  classIds: readonly string[],
  modules: readonly PolicyModule[] = [],
): string {
  const header = [
    'policy',
    'step s',
    'tokens/s',
    'MFU',
    'straggler loss',
    'speedup',
    `busy (${classIds.join(' / ')})`,
    'per-GPU batch',
  ];
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
  const n = (x: number): string => x.toLocaleString('en-US');
  const jitter = r.jitter.kind === 'none' ? 'no jitter' : `${r.jitter.kind} jitter CV ${r.jitter.cv}`;
  const lines = [
    `${r.cluster} / ${r.workload}: ${n(r.gpus)} GPUs, global batch ${n(r.globalBatch)} sequences, ` +
      `${n(r.steps)} steps, seed ${r.seed}, ${jitter}`,
    `slowest-of-n tail per generation: ${r.tailFactors.map((f, i) => `${classIds[i] ?? i} x${f.toFixed(3)}`).join(', ')}; ` +
      `exposed all-reduce ${fmt(r.exposedAllReduceS)} s`,
    '',
    formatTable(header, rows),
    '',
    r.hybridDecomposition ? `lockstep loss ${hybridLossText(r.hybridDecomposition)}` : dpOnlyLossLine(d),
  ];
  if (r.adaptive) {
    const s = r.adaptive.stepsToWithin2pct;
    lines.push(
      s === null
        ? 'adaptive: not within 2% of minmax by the last step'
        : `adaptive: within 2% of minmax after ${s} step${s === 1 ? '' : 's'} (and stays there)`,
    );
  }
  const isl = r.policies.find((p) => p.islands);
  if (isl?.islands) {
    lines.push(
      `islands: each generation its own job; per-island step s ` +
        `${isl.islands.stepS.map((s, i) => `${classIds[i] ?? i} ${fmt(s)}`).join(', ')} (separate replicas, not one model)`,
    );
  }
  for (const m of modules) lines.push(`${m.policy}: your policy, from ${m.module} (sha256 ${m.sha256.slice(0, 12)})`);
  return lines.join('\n');
}
