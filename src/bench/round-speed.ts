import type { ClusterModel } from '../model/types.js';
import { median } from '../stats/quantiles.js';
import type { Calibration } from './calibrate.js';
import { passRatio } from './measured-compose.js';
import type { Measured } from './rounds.js';
import { factorOf, type WorkFactor } from './work-factor.js';

/**
 * The local device's speed round by round, and the rounds' local times brought to one speed.
 *
 * One dilation D turns local seconds into cluster seconds for the whole run, but a shared host's
 * speed drifts between minutes (measured on this project's VM: 1.4-1.7x; in one 8-round stage run
 * lockstep's H100 step rose from 6.0 to 11.3 s while every speedup stayed put). Ratios within a
 * round (speedups, straggler losses, class ratios) cancel that drift; absolute figures (step
 * time, tokens/s, MFU) inherit it, and a run whose device slowed after its pilot reads every step
 * high. So each round's speed is estimated from all of its passes, and its local times are
 * scaled to the median round's speed before D applies (docs/measured.md 2.2):
 *
 *   g_r = median over the round's passes (every policy, every class with work) of
 *         local / (modelled compute * R * perUnitS * workFactor)        (dimensionless)
 *   local'_{p,r,i} = local_{p,r,i} * median_r(g_r) / g_r
 *
 * The median over the round's passes (18 at six policies and three generations) moves with the
 * device, not with one pass's noise. A what-if's slowed class counts divided by its factor, so
 * `--slow` is not absorbed (as in settleDilation). The pilot's steps are brought to the same
 * speed from their own passes. A resample of rounds takes its own median, so the intervals carry
 * the estimate's uncertainty.
 */
export function roundSpeeds(
  model: ClusterModel,
  measured: readonly Measured[],
  cal: Calibration,
  perUnitS: number,
  workFactor?: WorkFactor,
): number[] {
  const rounds = Math.max(0, ...measured.map((m) => m.local.length));
  const perCluster = cal.unitsPerClusterS * perUnitS;
  return Array.from({ length: rounds }, (_, r) => {
    const ratios: number[] = [];
    for (const m of measured) {
      const step = m.local[r];
      const allocation = m.allocations[r] ?? [];
      step?.forEach((local, i) => {
        const x = passRatio(model, i, allocation[i] ?? 0, local, perCluster, factorOf(workFactor, i));
        if (Number.isFinite(x)) ratios.push(x);
      });
    }
    return ratios.length > 0 ? median(ratios) : Number.NaN;
  });
}

/** `m` with each round's local times scaled from its speed `speeds[r]` to `level` (unchanged where unknown). */
export function atSpeed(m: Measured, speeds: readonly number[], level: number): Measured {
  if (!(level > 0)) return m;
  return {
    ...m,
    local: m.local.map((step, r) => {
      const g = speeds[r] ?? Number.NaN;
      return g > 0 && Number.isFinite(g) ? step.map((t) => (t * level) / g) : step;
    }),
  };
}

/**
 * The rounds (and the pilot) brought to the median round's speed. Null speeds (no pass with
 * work) leave a run as it was.
 */
export function steadyRounds(
  model: ClusterModel,
  pilot: Measured,
  measured: readonly Measured[],
  cal: Calibration,
  perUnitS: number,
  workFactor?: WorkFactor,
): { readonly pilot: Measured; readonly measured: Measured[]; readonly level: number } {
  const speeds = roundSpeeds(model, measured, cal, perUnitS, workFactor);
  const known = speeds.filter((g) => g > 0 && Number.isFinite(g));
  if (known.length === 0 || !(perUnitS > 0)) return { pilot, measured: [...measured], level: Number.NaN };
  const level = median(known);
  return {
    pilot: atSpeed(pilot, roundSpeeds(model, [pilot], cal, perUnitS, workFactor), level),
    measured: measured.map((m) => atSpeed(m, speeds, level)),
    level,
  };
}
