import type { TimingMethod } from '../gpu/timer.js';
import type { PolicyName } from '../policy/policy.js';
import { percent } from './format.js';

/**
 * How far a run's measured figures can be trusted, from what the run itself recorded: its
 * local noise, its local-time fit, how many rounds ran, how wide its speedup intervals came out,
 * and whether the model's figures lie inside the measured intervals (docs/measured.md, "Quality
 * verdict"). `compare` treats an `unreliable` report as inconclusive.
 */
export type QualityVerdict = 'good' | 'noisy' | 'unreliable';

export interface Quality {
  readonly verdict: QualityVerdict;
  /** Why the verdict is not `good`, one plain sentence each; empty when it is. */
  readonly reasons: readonly string[];
}

/**
 * The limits, and why each is where it is (figures measured on this project's 2-core software
 * adapter, docs/measured.md section 5):
 *  - local noise CV: above 8% the speedup intervals widen fast (16 rounds: +-10% or narrower at
 *    or below 8%, up to +-25% at 8.9%), so the figures are noisy. Above 40% the intervals
 *    themselves stop holding: of four default runs beside other jobs (CV 15-53%), the one at 53%
 *    had the model's lockstep step outside its measured interval (174.6 s [129, 230] against
 *    121.5 s) while those at 15-39% contained it, so past 40% the run is unreliable. Between
 *    the two, wide intervals are honest: compare's auto thresholds hold each metric to its own
 *    interval (docs/ci.md: no false alarm in A/A runs at 12-32% CV).
 *  - fit R^2: the dilation assumes local time grows linearly with work. Default runs on this
 *    host fitted at 0.90 to 0.997 (docs/measured.md 2.1), so below 0.9 the fit is worse than any
 *    of them (noisy); below 0.8 a fifth of the spread between unit counts is unexplained and
 *    every dilated figure carries that error (unreliable). The R^2 is over per-unit-count
 *    medians, which local noise moves too, so a strict 0.9 for unreliable would condemn a
 *    noisy quick run (R^2 0.89 at 18% CV) for its noise twice. Checked only with 3 or more
 *    unit counts (with fewer a line fits exactly).
 *  - rounds: below MIN_SAMPLES (4) the bootstrap has a handful of distinct resamples and
 *    `compare`'s U test cannot reach p < 0.05, so the intervals mean nothing.
 *  - widest speedup half-width: an interval wider than +-10% cannot separate a 10% gain (the
 *    model's typical one) from no gain: noisy. Not unreliable however wide: the interval says
 *    how wide it is, and compare's auto mode needs a change beyond it to call one (a fixed
 *    +-15% gate on such a run would not be supported: two runs of one commit at 23-30% CV showed
 *    per-round speedups 17-29% apart, which is why the default gate is no longer fixed).
 *  - a model figure outside its measured interval: measurement and model disagree beyond the
 *    noise (a systematic artifact, or load that changed mid-run); neither should be read alone.
 *  - wall-clock timing: without timestamp queries each pass includes submission overhead.
 */
export const QUALITY_LIMITS = {
  unreliableCv: 0.4,
  noisyCv: 0.08,
  noisyR2: 0.9,
  unreliableR2: 0.8,
  minUnitCountsForR2: 3,
  /** compare.ts MIN_SAMPLES (not imported: schema.ts imports this file, compare.ts imports schema.ts). */
  minRounds: 4,
  noisyHalfWidth: 0.1,
} as const;

/** The part of a measured run (src/bench/measured-run.ts MeasuredRunResult) the verdict reads. */
export interface QualityEvidence {
  readonly jitter: { readonly cv: number };
  readonly calibration: {
    readonly timing: TimingMethod;
    readonly fit: {
      readonly shape: 'affine' | 'proportional' | 'raw';
      readonly r2: number;
      readonly unitCounts: number;
    };
  };
  readonly stop: { readonly rounds: number; readonly widestHalfWidth: number };
  readonly policies: readonly {
    readonly policy: PolicyName;
    readonly measured: {
      readonly speedup: number;
      readonly stragglerLoss: number;
      readonly ci?: { readonly speedup: readonly [number, number]; readonly stragglerLoss: readonly [number, number] };
    };
    readonly predicted: { readonly speedup: number; readonly stragglerLoss: number };
  }[];
}

/** A run that measured nothing (the device failed before the first round). */
export const NO_ROUNDS_QUALITY: Quality = {
  verdict: 'unreliable',
  reasons: ['no round was measured'],
};

const outside = (x: number, ci: readonly [number, number]): boolean => x < ci[0] || x > ci[1];

export function assessQuality(run: QualityEvidence): Quality {
  const L = QUALITY_LIMITS;
  const unreliable: string[] = [];
  const noisy: string[] = [];
  const cv = run.jitter.cv;
  const noise = `local noise ${percent(cv)} CV`;
  if (!Number.isFinite(cv)) unreliable.push('local noise not measured');
  else if (cv > L.unreliableCv) unreliable.push(`${noise} (above ${percent(L.unreliableCv, 0)})`);
  else if (cv > L.noisyCv) noisy.push(`${noise} (above ${percent(L.noisyCv, 0)})`);
  const fit = run.calibration.fit;
  if (fit.shape !== 'raw' && fit.unitCounts >= L.minUnitCountsForR2) {
    const poor = `local time fits work poorly (R^2 ${fit.r2.toFixed(2)}, below`;
    if (!(fit.r2 >= L.unreliableR2)) unreliable.push(`${poor} ${L.unreliableR2})`);
    else if (fit.r2 < L.noisyR2) noisy.push(`${poor} ${L.noisyR2})`);
  }
  const { rounds, widestHalfWidth } = run.stop;
  if (rounds < L.minRounds)
    unreliable.push(`only ${rounds} round${rounds === 1 ? '' : 's'} (fewer than ${L.minRounds})`);
  const widest = `widest speedup interval +-${percent(widestHalfWidth)}`;
  if (widestHalfWidth > L.noisyHalfWidth) noisy.push(`${widest} (above +-${percent(L.noisyHalfWidth, 0)})`);
  const apart: string[] = [];
  for (const p of run.policies) {
    const ci = p.measured.ci;
    if (ci === undefined) continue;
    if (p.policy === 'lockstep') {
      if (outside(p.predicted.stragglerLoss, ci.stragglerLoss)) apart.push('lockstep loss');
    } else if (outside(p.predicted.speedup, ci.speedup)) apart.push(p.policy);
  }
  if (apart.length > 0) noisy.push(`model outside the measured 95% interval for ${apart.join(', ')}`);
  if (run.calibration.timing !== 'gpu-timestamp') noisy.push('timed by wall clock (no GPU timestamps)');
  if (unreliable.length > 0) return { verdict: 'unreliable', reasons: [...unreliable, ...noisy] };
  if (noisy.length > 0) return { verdict: 'noisy', reasons: noisy };
  return { verdict: 'good', reasons: [] };
}

/** What a user should do about a verdict, in plain words (the terminal prints it). */
export function qualityAdvice(q: Quality): string {
  if (q.verdict === 'good') return 'noise, fit and intervals within their limits';
  return 'run longer (--target-ci 0.05 --max-time 60), close other programs, or use a GPU';
}

/** One line: `quality: noisy (local noise 12.6% CV (above 8%); ...): run longer ...`. */
export function qualityLine(q: Quality): string {
  if (q.verdict === 'good') return `quality: good (${qualityAdvice(q)})`;
  return `quality: ${q.verdict} (${q.reasons.join('; ')}): ${qualityAdvice(q)}`;
}
