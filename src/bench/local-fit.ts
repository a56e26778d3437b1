import type { ClusterModel } from '../model/types.js';
import { classComputeS } from '../sim/compose.js';
import { median } from '../stats/quantiles.js';
import { weightedLine } from '../stats/round-bootstrap.js';
import type { Calibration } from './calibrate.js';
import { wholeUnits } from './local-unit.js';
import type { Measured } from './rounds.js';
import { factorOf, type WorkFactor } from './work-factor.js';

/**
 * Local time against work. One local GPU stands in for every class, each class running
 * round(R * t_g) whole units in one pass, so a class's local time is its modelled time only if
 * local time is proportional to units. Two things make it not: work is rounded to whole units
 * (a class of 13 units stands for 12.6), and a pass may have a fixed cost that does not scale
 * with its units. The fit removes both from every pass before dilation (docs/measured.md,
 * section 2): local time t = a + b * u over every pass of the run, and a pass then counts
 * (t - a) * exact / whole: the time its exact (unrounded) work would have taken, fixed cost
 * removed.
 */

/** How local passes were turned into work-proportional times. */
export type LocalTimeModel = 'fit' | 'raw';

export interface LocalTimeFit {
  /** 'affine' when a positive intercept fits; 'proportional' (a = 0) otherwise; 'raw': no correction. */
  readonly shape: 'affine' | 'proportional' | 'raw';
  /** Fixed local seconds per pass (a). */
  readonly fixedS: number;
  /** Local seconds per unit (b). */
  readonly perUnitS: number;
  /** Weighted R^2 of the fit over the per-unit-count medians. */
  readonly r2: number;
  /** Median and largest |median - fitted| / median over the unit counts. */
  readonly medianRelResidual: number;
  readonly maxRelResidual: number;
  /** Distinct unit counts and passes behind the fit. */
  readonly unitCounts: number;
  readonly passes: number;
}

/**
 * Exact (fractional) units a class's pass ran at a step: the work its modelled time stands for,
 * times its what-if factor (the fit is of the local device: time against the units it ran).
 */
function exactUnits(
  model: ClusterModel,
  cal: Calibration,
  allocation: readonly number[],
  i: number,
  workFactor: WorkFactor | undefined,
): number {
  const c = model.classes[i];
  return c ? classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS * factorOf(workFactor, i) : 0;
}

export function fitLocalTime(
  model: ClusterModel,
  cal: Calibration,
  runs: readonly Measured[],
  kind: LocalTimeModel,
  workFactor?: WorkFactor,
): LocalTimeFit {
  const byUnits = new Map<number, number[]>();
  let passes = 0;
  for (const m of runs)
    m.local.forEach((step, s) => {
      step.forEach((t, i) => {
        const exact = exactUnits(model, cal, m.allocations[s] ?? [], i, workFactor);
        if (!(exact > 0 && t > 0 && Number.isFinite(t))) return;
        const u = wholeUnits(exact);
        const list = byUnits.get(u) ?? [];
        list.push(t);
        byUnits.set(u, list);
        passes++;
      });
    });
  const u = [...byUnits.keys()].sort((a, b) => a - b);
  const t = u.map((x) => median(byUnits.get(x) ?? []));
  const w = u.map((x) => byUnits.get(x)?.length ?? 0);
  const ssResOf = (a: number, b: number): number =>
    u.reduce((acc, x, i) => acc + (w[i] ?? 0) * ((t[i] ?? 0) - a - b * x) ** 2, 0);
  let sut = 0;
  let suu = 0;
  u.forEach((x, i) => {
    sut += (w[i] ?? 0) * x * (t[i] ?? 0);
    suu += (w[i] ?? 0) * x * x;
  });
  const proportional = suu > 0 ? sut / suu : 0;
  const line = u.length >= 3 ? weightedLine(u, t, w) : null;
  // Only a fixed cost the data clearly show is removed: a positive intercept below half the
  // shortest pass that explains at least a quarter of what the proportional model leaves, on a
  // line that fits (R^2 >= 0.95). A negative intercept is not a fixed cost (it is longer passes
  // running slower per unit, e.g. preempted by other load), and an intercept that noise
  // invents would move every figure.
  const affine =
    line !== null &&
    line.intercept > 0 &&
    line.slope > 0 &&
    line.intercept < Math.min(...t) / 2 &&
    line.r2 >= 0.95 &&
    ssResOf(line.intercept, line.slope) <= 0.75 * ssResOf(0, proportional);
  const fixedS = affine ? line.intercept : 0;
  const perUnitS = affine ? line.slope : proportional;
  const shape: LocalTimeFit['shape'] = affine ? 'affine' : 'proportional';
  const fitted = u.map((x) => fixedS + perUnitS * x);
  const rel = t.map((y, i) => Math.abs(y - (fitted[i] ?? 0)) / y);
  const sw = w.reduce((a, b) => a + b, 0);
  const mean = t.reduce((s, y, i) => s + (w[i] ?? 0) * y, 0) / sw;
  const ssTot = t.reduce((s, y, i) => s + (w[i] ?? 0) * (y - mean) ** 2, 0);
  const ssRes = t.reduce((s, y, i) => s + (w[i] ?? 0) * (y - (fitted[i] ?? 0)) ** 2, 0);
  return {
    shape: kind === 'raw' ? 'raw' : shape,
    fixedS: kind === 'raw' ? 0 : fixedS,
    perUnitS,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : 1,
    medianRelResidual: rel.length > 0 ? median(rel) : 0,
    maxRelResidual: rel.length > 0 ? Math.max(...rel) : 0,
    unitCounts: u.length,
    passes,
  };
}

/**
 * The run's passes with the fit's artifacts removed: (t - a) * exact / whole per pass. With the
 * 'raw' fit the times are returned as measured.
 */
export function workScaled(
  model: ClusterModel,
  cal: Calibration,
  fit: LocalTimeFit,
  m: Measured,
  workFactor?: WorkFactor,
): Measured {
  if (fit.shape === 'raw') return m;
  const local = m.local.map((step, s) =>
    step.map((t, i) => {
      const exact = exactUnits(model, cal, m.allocations[s] ?? [], i, workFactor);
      if (!(exact > 0 && t > 0)) return t;
      return Math.max(t - fit.fixedS, t * 1e-3) * (exact / wholeUnits(exact));
    }),
  );
  return { ...m, local };
}
