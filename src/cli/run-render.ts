import type { MeasuredRunResult } from '../bench/measured-run.js';
import type { ClusterModel } from '../model/types.js';
import { fmt, pct } from '../report/format.js';
import { hybridLossText } from '../report/loss-parts.js';
import { policyTable, policyTableForTerminal } from '../report/policy-table.js';
import { qualityLine } from '../report/quality.js';
import { runNotes } from '../report/run-notes.js';
import type { RunReport } from '../report/schema.js';
import { formatTable } from '../report/table.js';
import { median } from '../stats/quantiles.js';
import { paint } from './output.js';

/** Relative gap between measured and modelled lockstep straggler loss that the report flags. */
export const AGREEMENT_TOLERANCE = 0.1;

/** Measured vs modelled lockstep straggler loss: the headline check of the benchmark. */
export function lockstepAgreement(report: RunReport): { measured: number; predicted: number; relative: number } | null {
  const lock = report.policies.find((p) => p.policy === 'lockstep');
  if (!lock) return null;
  const { stragglerLoss: measured } = lock.measured;
  const { stragglerLoss: predicted } = lock.predicted;
  return {
    measured,
    predicted,
    relative: predicted !== 0 ? Math.abs(measured - predicted) / Math.abs(predicted) : Math.abs(measured),
  };
}

/** What `hetbench run` prints: the set-up, the policy table, the loss by cause and the agreement check. */
export function renderRun(report: RunReport, result: MeasuredRunResult, model: ClusterModel): string {
  const table = policyTableForTerminal(policyTable(report));
  const lines = [...setupLines(report, result, model), '', formatTable(table.header, table.rows), ''];
  const d = report.decomposition;
  if (report.hybridDecomposition)
    lines.push(`lockstep loss by cause (model): ${hybridLossText(report.hybridDecomposition)}`);
  else if (d) {
    lines.push(
      `lockstep loss by cause (model): generation mix ${pct(d.generationMix)}, jitter at scale ${pct(d.jitter)}, ` +
        `communication ${pct(d.communication)}, memory caps ${pct(d.memoryCaps)} = ${pct(d.total)}`,
    );
  }
  const agreement = lockstepAgreement(report);
  if (agreement) {
    const ok = agreement.relative <= AGREEMENT_TOLERANCE;
    const verdict = ok ? paint('green', 'agree within 10%') : paint('yellow', 'DISAGREE by more than 10%');
    lines.push(
      `lockstep straggler loss: measured ${pct(agreement.measured)} vs model ${pct(agreement.predicted)} ` +
        `(${pct(agreement.relative)} relative): ${verdict}`,
    );
    if (!ok && report.inputs.slow) {
      lines.push('  why: the --slow what-if slowed a generation for real, and the model was not told.');
    } else if (!ok) {
      lines.push(
        '  why: measured class times come from local kernels whose time is not exactly proportional to the work ' +
          'given them (rounding to',
        "  whole units, fixed costs per pass, the host's clocks and load) and from local noise; see docs/measured.md. " +
          'More steps help.',
      );
    }
  }
  lines.push(...stageLines(result, model));
  if (report.adaptiveTrace)
    lines.push(`adaptive step time per step (measured): ${report.adaptiveTrace.map((t) => fmt(t)).join(' ')}`);
  // The reason says what stopped the run: a GPU failure or an interrupt (SIGINT/SIGTERM).
  const partial = report.status === 'partial' ? paint('red', ` (partial: ${report.failure ?? 'stopped early'})`) : '';
  const stop = result.stop;
  const why = {
    target: 'every speedup interval within the target',
    time: 'the time budget ran out',
    rounds: 'the round limit',
    interrupted: 'interrupted',
  }[stop.reason];
  // Past the budget while the class compute ratios were not yet resolved (class-resolution.ts).
  const extended = stop.extendedS > 0 ? `, ${fmt(stop.extendedS)} s past it to resolve the class compute ratios` : '';
  if (stop.rounds > 0)
    lines.push(
      `rounds: ${stop.rounds} (${why}${extended}; widest speedup interval +-${pct(stop.widestHalfWidth)}); ` +
        'measured figures carry 95% intervals [lo, hi] from a paired bootstrap over the rounds',
    );
  if (report.quality !== undefined) {
    const tone = { good: 'green', noisy: 'yellow', unreliable: 'red' } as const;
    lines.push(paint(tone[report.quality.verdict], qualityLine(report.quality)));
  }
  lines.push(`wall time ${fmt(report.wallS)} s${partial}`);
  return `${lines.join('\n')}\n`;
}

/** The lines above the table: cluster and workload, adapter and timing, dilation, the tail's jitter. */
function setupLines(report: RunReport, result: MeasuredRunResult, model: ClusterModel): string[] {
  const cal = result.calibration;
  const env = report.environment;
  const n = (x: number): string => x.toLocaleString('en-US');
  const classes = model.classes.map((c) => `${n(c.count)} ${c.gpu.id}`).join(' + ');
  const timing = cal.timing === 'gpu-timestamp' ? 'GPU timestamps' : paint('yellow', 'wall clock (no timestamp-query)');
  const tailSource =
    result.jitter.source === 'measured'
      ? 'measured'
      : result.jitter.source === 'fleet'
        ? "the fleet file's measured node noise (--fleet)"
        : 'cluster jitter, not the local noise: see --jitter';
  return [
    `${paint('bold', `hetbench run: ${model.cluster.name} x ${model.workload.name}`)} ` +
      `(${n(model.gpus)} GPUs: ${classes}; ${n(model.globalBatch)} sequences/step)`,
    `adapter: ${env.adapter?.description || env.adapter?.device || 'unknown'}` +
      `${env.adapter?.isFallbackAdapter ? ' (software)' : ''}; timing: ${timing}` +
      (env.adapter?.isFallbackAdapter && env.lavapipeThreads !== undefined
        ? `; LP_NUM_THREADS=${env.lavapipeThreads} (docs/measured.md 5.3)`
        : ''),
    `time dilation: 1 local ms = ${fmt(cal.dilation / 1000)} cluster s; ` +
      `local jitter CV ${pct(result.jitter.cv, 2)} (measured)`,
    `slowest-of-n tail at jitter CV ${pct(result.jitter.tailCv, 2)} (${tailSource}): ` +
      `x${result.jitter.tailFactors.map((t) => fmt(t, 4)).join('/')}`,
    ...runNotes(report),
  ];
}

/**
 * A run on pipeline stages: lockstep's per-stage micro-batch forward/backward, measured median
 * (cluster seconds) against the model, one line per replica class, compact.
 */
function stageLines(result: MeasuredRunResult, model: ClusterModel): string[] {
  const stages = result.policies.find((p) => p.policy === 'lockstep')?.measured.stages;
  if (!stages) return [];
  const ms = (s: number): string => fmt(s * 1e3, 3);
  const med = (xs: readonly number[]): number => median(xs.filter(Number.isFinite));
  return [
    'lockstep per-stage micro-batch forward/backward ms, measured median (model):',
    ...stages.map((cls, i) => {
      const gpu = model.classes[i]?.gpu.id ?? i;
      // A class lockstep gave no sequence (a small batch fills the first replicas) ran no stage.
      const ran = cls.some((s) => s.forwardS.some(Number.isFinite));
      if (!ran) return `  ${gpu}: idle (lockstep gave it no sequence)`;
      return `  ${gpu}: ${cls
        .map(
          (s, k) =>
            `s${k} ${ms(med(s.forwardS))}/${ms(med(s.backwardS))} (${ms(s.modelForwardS)}/${ms(s.modelBackwardS)})`,
        )
        .join(', ')}`;
    }),
  ];
}
