import type { Calibration } from '../../src/bench/calibrate.js';
import { wholeUnits } from '../../src/bench/local-unit.js';
import type { FigureInputs } from '../../src/bench/measured-figures.js';
import type { Measured } from '../../src/bench/rounds.js';
import type { ClusterModel } from '../../src/model/types.js';
import { getPolicy, lockstepAllocation, type PolicyName, startPartition } from '../../src/policy/index.js';
import { classComputeS } from '../../src/sim/compose.js';
import { seededRng } from '../../src/stats/rng.js';
import { makeModel } from './sim-model.js';

/**
 * Synthetic local times of a measured run, for the interval tests: every pass takes
 * (fixedS + perUnitS * whole units) local seconds, times a per-pass lognormal noise and a
 * per-round drift shared by every pass of that round (the host load of a moment), so the
 * truth (noise-free figures) is known.
 */
export const SYNTHETIC_MODEL: ClusterModel = makeModel(
  [
    { id: 'slow', count: 64, a: 0.5, c: 1, cap: 64, peakTflops: 400 },
    { id: 'mid', count: 32, a: 0.5, c: 0.6, cap: 64, peakTflops: 800 },
    { id: 'fast', count: 16, a: 0.5, c: 0.35, cap: 64, peakTflops: 1600 },
  ],
  { globalBatch: 4096, allReduceS: 3, overlap: 0.5 },
);

export const SYNTHETIC_POLICIES: readonly PolicyName[] = ['lockstep', 'proportional-spec', 'minmax'];

export interface SyntheticNoise {
  /** Per-pass lognormal sigma (about its CV). */
  readonly passCv: number;
  /** Per-round lognormal sigma shared by every pass of the round. */
  readonly roundCv: number;
  readonly fixedS: number;
  readonly perUnitS: number;
}

export const DEFAULT_NOISE: SyntheticNoise = { passCv: 0.08, roundCv: 0.1, fixedS: 0.0004, perUnitS: 0.005 };

function syntheticCalibration(model: ClusterModel, noise: SyntheticNoise): Calibration {
  const lock = lockstepAllocation(model);
  const lockClassS = model.classes.map((c, i) => classComputeS(c, lock[i] ?? 0));
  const refClusterS = Math.max(...lockClassS);
  const refUnits = 32;
  const refLocalS = noise.fixedS + noise.perUnitS * refUnits;
  return {
    unitS: noise.fixedS + noise.perUnitS,
    refClusterS,
    refUnits,
    unitsPerClusterS: refUnits / refClusterS,
    refLocalS,
    dilation: refClusterS / refLocalS,
    timing: 'gpu-timestamp',
    refSpread: 0,
  };
}

/** The inputs of a run of `rounds` rounds drawn with `seed` (noise zero: the truth). */
export function syntheticRun(
  rounds: number,
  seed: number,
  noise: SyntheticNoise = DEFAULT_NOISE,
  model: ClusterModel = SYNTHETIC_MODEL,
  policies: readonly PolicyName[] = SYNTHETIC_POLICIES,
): FigureInputs {
  const rng = seededRng(seed);
  const cal = syntheticCalibration(model, noise);
  const ctx = { model, seed: 1, measuredSequencesPerS: model.classes.map(() => 1) };
  const pass = (allocation: readonly number[], i: number, drift: number): number => {
    const c = model.classes[i];
    const exact = c ? classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS : 0;
    if (!(exact > 0)) return 0;
    return (noise.fixedS + noise.perUnitS * wholeUnits(exact)) * drift * Math.exp(noise.passCv * rng.normal());
  };
  const stepOf = (allocation: readonly number[], drift: number) =>
    model.classes.map((_, i) => pass(allocation, i, drift));
  const lock = lockstepAllocation(model);
  const pilotLocal = Array.from({ length: 8 }, () => stepOf(lock, Math.exp(noise.roundCv * rng.normal())));
  const pilot: Measured = {
    policy: 'lockstep',
    adapts: false,
    allocations: pilotLocal.map(() => lock),
    local: pilotLocal,
  };
  const measured: Measured[] = policies.map((policy) => ({
    policy,
    adapts: false,
    allocations: [],
    local: [],
  }));
  const allocationOf = policies.map((p) => startPartition(getPolicy(p), ctx).allocation);
  for (let r = 0; r < rounds; r++) {
    const drift = Math.exp(noise.roundCv * rng.normal());
    measured.forEach((m, p) => {
      const allocation = allocationOf[p] ?? [];
      m.allocations.push(allocation);
      m.local.push(stepOf(allocation, drift));
    });
  }
  const lockClassS = model.classes.map((c, i) => classComputeS(c, lock[i] ?? 0));
  return { model, source: { cv: 0.02 }, calibration: cal, lockClassS, pilot, measured, localTime: 'fit' };
}
