import { classRatioSummary, classTimeRatios } from './measured-compose.js';
import { type FigureInputs, fitRun } from './measured-figures.js';

/**
 * How long a default run goes on past its time budget for the figure a CI gate needs most: each
 * generation's compute ratio (class.<gpu>.computeRatio, measured-compose.ts classTimeRatios), the
 * one a fail-slow generation moves and host drift does not. compare calls a change of it when it
 * is beyond about 2.3 times the two runs' interval half-width (Bonferroni over a report's ~30
 * metrics: z 3.17 x sqrt(2) / 1.96), and finds a 10% slowdown 19 times in 20 once that threshold
 * plus 1.645 standard errors of the difference is at most 10%: a half-width of at most 2.9%.
 * Measured on this project's 2-core VM (docs/ci.md; the widest generation's half-width per run):
 * 40 s runs gave 0.9-4.0% (median 2.2%) on a quiet day and 2.0-9.0% (median 4.8%) on a busy one,
 * where 10% was found 4 times in 10; 120 s runs 0.6-2.6%, where it was found every time. So past
 * the budget the run continues while any generation's interval is wider than `halfWidth`, up to
 * `maxTimeS` in all: the busy day's runs get the rounds they need, a quiet day's end on time.
 */
export interface ClassResolution {
  /** Widest relative half-width of a class compute ratio's 95% interval that counts as resolved. */
  readonly halfWidth: number;
  /** Wall seconds the whole measured run may take while resolving (the budget's hard limit). */
  readonly maxTimeS: number;
}

/**
 * The widest class compute ratio interval's half-width relative to its median, over the
 * generations (the same bootstrap of the median as the report's classes[].measured.ci). 0 with
 * under two generations: there is no ratio to resolve.
 */
export function widestClassRatioHalfWidth(inputs: FigureInputs): number {
  // The report's class ratios (composeFigures' classRatios) without composing every policy's
  // steps: they read the fitted passes and the calibration's R only.
  const fitted = fitRun(inputs);
  const ratios = classTimeRatios(inputs.model, fitted.measured, inputs.calibration, fitted.fit.perUnitS);
  let widest = 0;
  ratios.forEach((xs, i) => {
    const s = classRatioSummary(xs, i);
    if (s === null) return;
    const half = (s.upper - s.lower) / 2 / s.median;
    widest = Math.max(widest, Number.isFinite(half) ? half : Number.POSITIVE_INFINITY);
  });
  return widest;
}

/**
 * What the time budget says after a round: 'within' it, 'stop' (spent, and nothing to resolve or
 * the hard limit reached, or every class ratio resolved), or 'extend' (spent, but a class ratio
 * is still wider than the resolution asks, and the hard limit is not reached). A round that would
 * end past a limit counts as past it (`perRoundS`, the rounds' mean so far). `widest` is only
 * called past the budget (it composes the run so far).
 */
export function budgetCheck(
  nowS: number,
  perRoundS: number,
  maxTimeS: number | undefined,
  resolve: ClassResolution | undefined,
  widest: () => number,
): 'within' | 'stop' | 'extend' {
  const past = (limitS: number): boolean => nowS + perRoundS > limitS;
  if (maxTimeS === undefined || !past(maxTimeS)) return 'within';
  if (resolve === undefined || past(resolve.maxTimeS)) return 'stop';
  return widest() <= resolve.halfWidth ? 'stop' : 'extend';
}
