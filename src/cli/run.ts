import type { ClassResolution } from '../bench/class-resolution.js';
import { environmentOf } from '../bench/environment.js';
import { kernelChooser } from '../bench/kernel-choice.js';
import { localHiddenTarget, localUnit } from '../bench/local-unit.js';
import {
  ADAPTIVE_DEFAULTS,
  type JitterSource,
  type MeasuredRunResult,
  measuredRun,
  type ProgressEvent,
} from '../bench/measured-run.js';
import { LOCAL_SIZE, RUN_DEFAULTS } from '../bench/run-size.js';
import { destroyStageUnits, prepareStageUnits } from '../bench/stage-units.js';
import { UnitExecutor } from '../bench/unit-executor.js';
import { DeviceError, EXIT_CODES, UsageError } from '../errors.js';
import { closeGpu, type Gpu, openGpu } from '../gpu/open.js';
import { OutputPlan, type OutputTarget } from '../io/output-path.js';
import { describeOutcome, fileWrite, type PendingWrite, type WriteOutcome, writeOutputs } from '../io/write-outputs.js';
import type { ClusterModel } from '../model/types.js';
import { policyNames } from '../policy/index.js';
import { lockstepAllocation } from '../policy/lockstep.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { buildRunReport } from '../report/run-report.js';
import { DEFAULT_JITTER_CV } from '../sim/simulate.js';
import { stageModelOf } from '../sim/stage-jitter.js';
import { boolFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { injectArmedFault } from './fault.js';
import { gpuFlagHelp, gpuFlagOptions, gpuOptionsFrom, gpuParameterFlags } from './gpu-flags.js';
import { listenForStop, SIGNAL_EXIT_CODES, type StopSignal } from './interrupt.js';
import { type MarkdownOutputs, markdownWrites, planMarkdown } from './markdown-output.js';
import { measuredRunEnv } from './measured-run-env.js';
import { jobFromFlags, modelFlagHelp, modelFlagOptions, withGlobalBatchInput } from './model-flags.js';
import { assertFinite, interactive, paint } from './output.js';
import { loadPolicies, preflightUserPolicies } from './policy-module.js';
import { formatEta, Progress } from './progress.js';
import { renderRun } from './run-render.js';
import { parseSlow } from './slow-flag.js';
import { dawnWarningsSoFar } from './stderr-filter.js';

const DEFAULTS = RUN_DEFAULTS;

const help = `
Usage: hetbench run [options]

The straggler benchmark. For each partitioning policy and each step, every GPU generation
of the cluster runs its share of the batch as real WGSL GEMMs on the local GPU, with its
work sized so that local time is proportional to the modelled time on that generation
(time dilation, docs/measured.md), timed with GPU timestamps. Steps are composed as the
slowest generation (with the tail of its n GPUs at the jitter --jitter selects) plus the
exposed all-reduce, and every measured figure is shown beside the analytic model's prediction.

Options:
${modelFlagHelp}
                         (defaults: --cluster ${DEFAULTS.cluster} --workload ${DEFAULTS.workload})
  --policy P[,P...]      policies to run, or all (default all: ${policyNames.join(', ')});
                         a path (./my-policy.mjs) loads your own policy module beside them
  --steps N              measured steps per policy: the minimum before adaptive rounds (default
                         ${DEFAULTS.steps}; ${DEFAULTS.quickSteps} with --quick); given alone, exactly N (no adaptive rounds)
  --seed S               seed for the model's jitter draws (default ${DEFAULTS.seed})
  --quick                a short smoke run: fewer steps and a smaller local budget per step
  --target-ci F|off      adaptive rounds: past --steps, keep measuring until every speedup's 95%
                         interval is within +-F (relative), or --max-time runs out (default
                         ${ADAPTIVE_DEFAULTS.full.targetCi}, ${ADAPTIVE_DEFAULTS.quick.targetCi} with --quick; off: exactly --steps rounds)
  --max-time S           the time budget of the whole measured run, seconds (default
                         ${ADAPTIVE_DEFAULTS.full.maxTimeS}, ${ADAPTIVE_DEFAULTS.quick.maxTimeS} with --quick); the report says which ended it.
                         With neither flag (and no --quick), past ${ADAPTIVE_DEFAULTS.full.maxTimeS} s the run goes on, up to
                         ${ADAPTIVE_DEFAULTS.full.resolveClasses.maxTimeS} s, while a generation's compute ratio interval is wider than
                         +-${ADAPTIVE_DEFAULTS.full.resolveClasses.halfWidth * 100}%: what a CI gate needs to see a 10% slower
                         generation on a busy host (docs/ci.md); a given --max-time is a hard limit
  --slow GEN=FACTOR      fail-slow what-if (repeatable): GPU id GEN of the cluster (e.g. h100-sxm)
                         really runs FACTOR (1 to 10) times its local work, so it is measured
                         FACTOR times slower; the model is not told, policies that measure
                         (proportional-measured, adaptive) must find it (docs/measured.md)
  --jitter auto|measured|CV
                         jitter of the slowest-of-n tail: the local device's measured
                         step-to-step noise, or a cluster CV such as 0.02. auto (default):
                         with --fleet, the fleet file's measured node noise; else measured on a
                         GPU and ${DEFAULT_JITTER_CV} on a software adapter, whose noise is its host
                         CPU's scheduling, not a GPU's
  --json FILE            write the full JSON report (schema version, environment, raw samples)
  --md FILE              write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)
  --html FILE            write a self-contained HTML report with SVG charts
${gpuFlagHelp}
  -h, --help

Output paths are checked before the GPU work (exit 2 at once for a directory, a missing or
read-only folder, or two outputs naming one file). If a write still fails at the end, the other
outputs are written and the failed one is named (exit 2).

Ctrl-C (SIGINT) or SIGTERM: the GPU pass in flight finishes, every output is written marked
partial with the reason, and the run exits 130 (SIGINT) or 143 (SIGTERM); a second signal stops
at once, writing nothing more.

Exit codes: 0 ok, 2 bad input, 3 no adapter or a GPU failure mid-run (every step that
finished is still written to --json/--md/--html, marked partial), 70 internal error (a bug),
130/143 interrupted by SIGINT/SIGTERM (partial outputs written).
`;

export const runCommand: Command = defineCommand({
  name: 'run',
  opensGpu: true,
  childEnv: measuredRunEnv,
  summary: 'the straggler benchmark: every policy measured on the local GPU beside the model',
  help,
  flags: { ...gpuParameterFlags, policy: '--policy', targetCi: '--target-ci', maxTimeS: '--max-time' },
  async run(argv) {
    const started = performance.now();
    const { values } = parseCommandArgs('run', argv, {
      ...modelFlagOptions,
      policy: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      'target-ci': { type: 'string' },
      'max-time': { type: 'string' },
      slow: { type: 'string', multiple: true },
      jitter: { type: 'string' },
      json: { type: 'string' },
      md: { type: 'string' },
      html: { type: 'string' },
      ...gpuFlagOptions,
    });
    const quick = boolFlag(values, 'quick');
    const steps = intFlag(
      '--steps',
      stringFlag(values, 'steps'),
      quick ? DEFAULTS.quickSteps : DEFAULTS.steps,
      1,
      1000,
    );
    const seed = intFlag('--seed', stringFlag(values, 'seed'), DEFAULTS.seed, 0, 2 ** 32 - 1);
    const { policies, names, modules } = await loadPolicies(stringFlag(values, 'policy'));
    // Adaptive rounds (measured-run.ts): past --steps until every speedup's interval is within
    // the target or the time budget runs out. On by default; --steps alone asks for exactly N
    // rounds, and --target-ci off for exactly --steps.
    const adaptiveRounds = adaptiveRoundsFrom(values, quick);
    const { model, hybrid, fleet } = jobFromFlags(values, DEFAULTS);
    const { cluster, workload } = model;
    const slowRaw = values['slow'];
    const whatIf = parseSlow(Array.isArray(slowRaw) ? slowRaw.map(String) : undefined, model);
    // A batch lockstep cannot place fails here, before the GPU, naming the input that sets it.
    try {
      lockstepAllocation(model);
    } catch (err) {
      throw withGlobalBatchInput(err, values, DEFAULTS.workload);
    }
    // So does a user policy's first split that breaks the contract (each later one is checked as it comes).
    preflightUserPolicies(policies, model, seed);
    // Every output path is checked before the GPU is opened: a bad one is exit 2 now, not after the run.
    const plan = new OutputPlan();
    const outputs: RunOutputs = {
      json: plan.add('--json', stringFlag(values, 'json')),
      html: plan.add('--html', stringFlag(values, 'html')),
      markdown: planMarkdown(plan, stringFlag(values, 'md')),
    };

    const jitterArg = parseJitter(stringFlag(values, 'jitter'));
    const fleetJitter = fleet?.jitterSamples;
    const stop = listenForStop();
    try {
      const gpu = await openGpu(gpuOptionsFrom(values));
      // auto: a software adapter's step-to-step noise is its host CPU's scheduling, not a GPU's
      // jitter, so the tail uses the model's cluster jitter there; on a GPU, the measured noise.
      // --fleet without --jitter: the fleet's measured node noise drives the tail, as in simulate.
      const jitter: JitterSource =
        jitterArg !== 'auto'
          ? jitterArg
          : fleetJitter !== undefined
            ? { samples: fleetJitter, from: 'fleet' }
            : gpu.info.isFallbackAdapter
              ? { cv: DEFAULT_JITTER_CV }
              : 'measured';
      let result: MeasuredRunResult | null = null;
      let failure: string | null = null;
      // Bad input found mid-run (a user policy's later split): no report, nothing written half.
      let aborted = false;
      let written: WriteOutcome = { written: [], failed: [] };
      const progress = new Progress();
      try {
        const unit = localUnit(workload, localHiddenTarget(gpu.info.isFallbackAdapter));
        const executor = await UnitExecutor.create(gpu, unit, kernelChooser());
        // A layout: every class's step runs as its pipeline stages' passes (bench/stage-units.ts).
        const stageUnits = hybrid ? await prepareStageUnits(gpu, unit, stageModelOf(hybrid), kernelChooser()) : null;
        try {
          const t0 = performance.now();
          if (!stop.shouldStop())
            result = await measuredRun(gpu, executor, {
              model,
              policies,
              steps,
              seed,
              jitter,
              ...(quick ? LOCAL_SIZE.quick : LOCAL_SIZE.full),
              ...adaptiveRounds,
              onProgress: (e) => {
                injectArmedFault(gpu, e);
                progress.update(progressKey(e), progressText(e, t0));
              },
              shouldStop: stop.shouldStop,
              ...(whatIf ? { workFactor: whatIf.workFactor } : {}),
              ...(stageUnits ? { stageUnits } : {}),
              ...(hybrid ? { hybrid } : {}),
            });
          if (result?.failure) failure = result.failure.message;
        } finally {
          executor.destroy();
          if (stageUnits) destroyStageUnits(stageUnits);
        }
      } catch (err) {
        if (!(err instanceof DeviceError)) {
          aborted = true;
          throw err;
        }
        failure = err.message;
      } finally {
        progress.done();
        const signal = stop.signal();
        const reason = signal === null ? failure : interruptedReason(signal, result, policies.length * steps, failure);
        if (!aborted)
          written = report(
            gpu,
            model,
            result,
            reason,
            {
              cluster,
              workload,
              policies: names,
              steps,
              seed,
              quick,
              ...(whatIf ? { slow: whatIf.slow } : {}),
              ...(modules.length > 0 ? { policyModules: modules } : {}),
            },
            outputs,
            (performance.now() - started) / 1000,
          );
        closeGpu(gpu);
      }
      for (const line of describeOutcome(written)) process.stderr.write(`${errorLabel(line)}\n`);
      if (failure !== null) {
        process.stderr.write(
          `${paint('red', 'hetbench: error:', process.stderr)} GPU failure during the run: ${failure}\n`,
        );
      }
      const signal = stop.signal();
      if (signal !== null) return SIGNAL_EXIT_CODES[signal];
      if (failure !== null) return EXIT_CODES.device;
      return written.failed.length > 0 ? EXIT_CODES.badInput : EXIT_CODES.ok;
    } finally {
      stop.dispose();
    }
  },
});

interface RunOutputs {
  readonly json: OutputTarget | null;
  readonly html: OutputTarget | null;
  readonly markdown: MarkdownOutputs;
}

/** The partial report's reason when a signal stopped the run (with the GPU failure, if both). */
function interruptedReason(
  signal: StopSignal,
  result: MeasuredRunResult | null,
  planned: number,
  failure: string | null,
): string {
  const done = result?.policies.reduce((n, p) => n + p.steps.length, 0) ?? 0;
  const text = `interrupted by ${signal} after ${done} of ${planned} policy steps; the finished steps are kept`;
  return failure === null ? text : `${text}; ${failure}`;
}

/** "could not write ..." lines are errors; "wrote ..." lines say what was kept. */
function errorLabel(line: string): string {
  return line.startsWith('could not')
    ? `${paint('red', 'hetbench: error:', process.stderr)} ${line}`
    : `hetbench: ${line}`;
}

/**
 * Writes every output (each one even when another fails) and then prints the run. Files first:
 * a failure while printing must not lose the results.
 */
function report(
  gpu: Gpu,
  model: ClusterModel,
  result: MeasuredRunResult | null,
  failure: string | null,
  inputs: Parameters<typeof buildRunReport>[0]['inputs'],
  outputs: RunOutputs,
  wallS: number,
): WriteOutcome {
  const runReport = buildRunReport({
    inputs,
    model,
    environment: environmentOf(gpu, dawnWarningsSoFar()),
    result,
    failure,
    wallS,
  });
  // The model's side of the report must be finite; a NaN there is a bug, not a measurement.
  assertFinite(
    runReport.policies.map((p) => p.predicted),
    'run (model)',
  );
  const writes: PendingWrite[] = [];
  if (outputs.json !== null) writes.push(fileWrite(outputs.json, `${JSON.stringify(runReport, null, 2)}\n`));
  if (outputs.html !== null) writes.push(fileWrite(outputs.html, renderHtml(runReport)));
  const { md, stepSummary } = outputs.markdown;
  if (md !== null || stepSummary !== null) writes.push(...markdownWrites(renderMarkdown(runReport), outputs.markdown));
  const outcome = writeOutputs(writes);
  if (result) process.stdout.write(renderRun(runReport, result, model));
  return outcome;
}

function parseJitter(raw: string | undefined): 'auto' | JitterSource {
  if (raw === undefined || raw === 'auto') return 'auto';
  if (raw === 'measured') return 'measured';
  return { cv: numberFlag('--jitter', raw, 0, 0, 1) };
}

function progressKey(e: ProgressEvent): string {
  // Plain (non-TTY) output gets one line per round, not per policy step.
  return e.phase === 'calibrate' ? 'calibrate' : `round:${e.round ?? e.step ?? 0}`;
}

function progressText(e: ProgressEvent, t0: number): string {
  if (e.phase === 'calibrate') return 'calibrating local kernels (time dilation)...';
  const policies = e.policies ?? 1;
  const steps = e.steps ?? 1;
  const done = (e.step ?? 0) * policies + (e.policyIndex ?? 0);
  const elapsed = (performance.now() - t0) / 1000;
  const eta = done > 0 ? (elapsed / done) * (policies * steps - done) : Number.NaN;
  // A plain line is printed once per round, at its first policy: it names the round, not a policy.
  const round = (e.round ?? e.step ?? 0) + 1;
  const beyond = e.maxRounds !== undefined && e.maxRounds > steps ? ` (at least ${steps}, up to ${e.maxRounds})` : '';
  // Redrawn in place, the line follows the policy running now; printed once per round (CI), it
  // says the round's policies are interleaved instead of naming the first one.
  const policy = interactive()
    ? `policy ${(e.policyIndex ?? 0) + 1}/${policies} ${e.policy ?? ''}`
    : `${policies} policies interleaved`;
  return `step ${round}/${steps}${beyond}, ${policy}, ETA ${formatEta(eta)}`;
}

/** Most rounds a CLI run with a target or budget may take: the time budget is what ends it. */
const CLI_MAX_ROUNDS = 1000;

/**
 * The stopping rule from --target-ci, --max-time and --steps. Neither target flag: the defaults
 * (ADAPTIVE_DEFAULTS, docs/measured.md section 5) unless --steps was given, which asks for that
 * many rounds. `--target-ci off`: exactly --steps rounds. A target needs a time bound.
 */
function adaptiveRoundsFrom(
  values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>,
  quick: boolean,
): {
  readonly targetCi?: number;
  readonly maxTimeS?: number;
  readonly maxRounds?: number;
  readonly resolveClasses?: ClassResolution;
} {
  const defaults = quick ? ADAPTIVE_DEFAULTS.quick : ADAPTIVE_DEFAULTS.full;
  const targetCi = stringFlag(values, 'target-ci');
  const maxTime = stringFlag(values, 'max-time');
  const stepsGiven = stringFlag(values, 'steps') !== undefined;
  if (targetCi === 'off') {
    if (maxTime !== undefined)
      throw new UsageError(
        '--max-time',
        maxTime,
        'has no effect with --target-ci off (exactly --steps rounds); drop one.',
      );
    return {};
  }
  if (targetCi === undefined && maxTime === undefined)
    return stepsGiven ? {} : { ...defaults, maxRounds: CLI_MAX_ROUNDS };
  return {
    targetCi:
      targetCi === undefined ? defaults.targetCi : numberFlag('--target-ci', targetCi, defaults.targetCi, 1e-6, 0.999),
    maxTimeS:
      maxTime === undefined ? defaults.maxTimeS : numberFlag('--max-time', maxTime, defaults.maxTimeS, 0.001, 86_400),
    maxRounds: CLI_MAX_ROUNDS,
  };
}
