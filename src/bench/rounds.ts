import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { type PassEncoder, timePasses } from '../gpu/timer.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import { getPolicy, type PolicyContext, type PolicyName, startPartition } from '../policy/index.js';
import { classComputeS } from '../sim/compose.js';
import type { Calibration } from './calibrate.js';
import type { UnitExecutor } from './unit-executor.js';

/**
 * Phase 2 of the measured run: the timed rounds. Each policy's partition gives the allocation
 * of its next step; each class's work (its modelled compute time in units, calibrate.ts) runs
 * as one GPU-timed compute pass. Rounds interleave the policies (step s of every policy, then
 * s + 1), which spreads any drift of the local device's speed (clock, other load) over all
 * policies alike instead of biasing whichever ran last. A device failure keeps every step that
 * finished.
 */

/** Local per-step GPU seconds of each class (0 where the class had no work). */
export type LocalSteps = number[][];

/** What one policy's timed steps recorded. */
export interface Measured {
  readonly policy: PolicyName;
  /** True when the policy's allocation may change between steps (its prediction is a simulated run). */
  readonly adapts: boolean;
  /** Allocation per step (a fixed partition repeats one). */
  readonly allocations: Allocation[];
  readonly local: LocalSteps;
}

export interface ProgressEvent {
  readonly phase: 'calibrate' | 'policy';
  readonly policy?: PolicyName;
  readonly policyIndex?: number;
  readonly policies?: number;
  readonly step?: number;
  readonly steps?: number;
}

export interface RoundsOptions {
  readonly model: ClusterModel;
  readonly policies: readonly PolicyName[];
  readonly steps: number;
  readonly ctx: PolicyContext;
  /**
   * Turns one step's local times into the cluster times a learning partition observes
   * (dilated, with the slowest-of-n tail); given the steps measured so far.
   */
  readonly observed: (local: readonly number[], measured: readonly Measured[]) => number[];
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Polled before each pass: true stops the rounds there, keeping every step that finished (an interrupt). */
  readonly shouldStop?: () => boolean;
}

export interface RoundsResult {
  readonly measured: Measured[];
  readonly failure: DeviceError | null;
}

export async function runRounds(
  gpu: Gpu,
  executor: UnitExecutor,
  calibration: Calibration,
  options: RoundsOptions,
): Promise<RoundsResult> {
  const { model, steps } = options;
  const runs = [...new Set(options.policies)].map((name) => {
    const partition = startPartition(getPolicy(name), options.ctx);
    const m: Measured = { policy: name, adapts: partition.adapts, allocations: [], local: [] };
    return { m, partition };
  });
  let failure: DeviceError | null = null;
  try {
    rounds: for (let s = 0; s < steps; s++) {
      for (const [index, run] of runs.entries()) {
        if (options.shouldStop?.()) break rounds;
        options.onProgress?.({
          phase: 'policy',
          policy: run.m.policy,
          policyIndex: index,
          policies: runs.length,
          step: s,
          steps,
        });
        const allocation = run.partition.allocation;
        const [times = []] = await runSteps(gpu, executor, calibration, model, allocation, 1);
        run.m.allocations.push(allocation);
        run.m.local.push(times);
        if (run.partition.adapts)
          run.partition.observe(
            options.observed(
              times,
              runs.map((r) => r.m),
            ),
          );
      }
    }
  } catch (err) {
    if (!(err instanceof DeviceError)) throw err;
    failure = err;
  }
  return { measured: runs.map((r) => r.m).filter((m) => m.local.length > 0), failure };
}

/** Runs `steps` steps of one allocation: one timed pass per class with work, in class order. */
export async function runSteps(
  gpu: Gpu,
  executor: UnitExecutor,
  cal: Calibration,
  model: ClusterModel,
  allocation: Allocation,
  steps: number,
): Promise<LocalSteps> {
  const units = model.classes.map((c, i) => classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS);
  const work = units.map((u) => (u > 0 ? executor.work(u) : null));
  const passes: PassEncoder[] = [];
  for (let t = 0; t < steps; t++) for (const w of work) if (w) passes.push(w);
  const times = await timePasses(gpu, passes);
  const local: LocalSteps = [];
  let p = 0;
  for (let t = 0; t < steps; t++) local.push(work.map((w) => (w ? (times.seconds[p++] ?? Number.NaN) : 0)));
  return local;
}
