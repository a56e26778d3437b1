import { DeviceError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { type PassEncoder, timePasses } from '../gpu/timer.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import { type PolicyContext, type PolicyName, type PolicyRef, resolvePolicy, startPartition } from '../policy/index.js';
import { classComputeS } from '../sim/compose.js';
import type { Calibration } from './calibrate.js';
import { runStageSteps, type StageLocal, type StageUnits } from './stage-units.js';
import type { UnitExecutor } from './unit-executor.js';
import { factorOf, type WorkFactor } from './work-factor.js';

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
  /** A run on pipeline stages (stage-units.ts): each step's measured stage times per class (local seconds). */
  readonly stageLocal?: (StageLocal | null)[][];
}

/**
 * A progress event. `calibrate`: the dilation and the pilot are being measured. `policy`: one
 * policy's step of one round is about to run: `round` (0-based) of at least `minRounds` (the
 * run may go on to at most `maxRounds` when it continues until its intervals are tight), and
 * `policyIndex` of `policies` within that round. `step`/`steps` are the same round and
 * minimum under their old names.
 */
export interface ProgressEvent {
  readonly phase: 'calibrate' | 'policy';
  readonly policy?: PolicyName;
  readonly policyIndex?: number;
  readonly policies?: number;
  readonly round?: number;
  readonly minRounds?: number;
  readonly maxRounds?: number;
  /** Same as `round` (kept for existing readers). */
  readonly step?: number;
  /** Same as `minRounds` (kept for existing readers). */
  readonly steps?: number;
}

/** Why a run's rounds ended: intervals tight enough, time budget spent, round count reached, interrupted. */
export type StopReason = 'target' | 'time' | 'rounds' | 'interrupted';

/** The order of the classes' passes within a step. */
export type ClassOrder = 'rotating' | 'fixed';

export interface RoundsOptions {
  readonly model: ClusterModel;
  /** Built-ins by name, or policy objects (a user's module). */
  readonly policies: readonly PolicyRef[];
  /** Rounds always run (the minimum). */
  readonly steps: number;
  /** Most rounds (default `steps`). */
  readonly maxRounds?: number;
  /**
   * Asked after each round from `steps` on (while fewer than `maxRounds` ran): 'continue' runs
   * another round, a StopReason ends the rounds with it.
   */
  readonly next?: (roundsDone: number, measured: readonly Measured[]) => 'continue' | StopReason;
  /**
   * The first round at which `next` is asked (default `steps`): earlier lets a time budget end
   * the run before `steps` on a slow host (measured-run.ts asks only about time before it).
   */
  readonly firstCheck?: number;
  /**
   * 'rotating' (default): round r starts its passes at class r mod k, so no class always runs
   * first (after the previous policy's last pass) or last; 'fixed': class order, as before.
   */
  readonly classOrder?: ClassOrder;
  readonly ctx: PolicyContext;
  /**
   * Turns one step's local times into the cluster times a learning partition observes
   * (dilated, with the slowest-of-n tail); given the steps measured so far.
   */
  readonly observed: (local: readonly number[], measured: readonly Measured[]) => number[];
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Polled before each pass: true stops the rounds there, keeping every step that finished (an interrupt). */
  readonly shouldStop?: () => boolean;
  /** Per-class multiplier of the local work (a fail-slow what-if, work-factor.ts); absent: 1 for every class. */
  readonly workFactor?: WorkFactor;
  /** A hybrid job's stage units: each class's step runs as its pipeline stages' passes (stage-units.ts). */
  readonly stageUnits?: StageUnits;
}

export interface RoundsResult {
  readonly measured: Measured[];
  readonly failure: DeviceError | null;
  /** Why the rounds ended ('rounds' as well when a device failure ended them). */
  readonly stop: StopReason;
  readonly rounds: number;
}

export async function runRounds(
  gpu: Gpu,
  executor: UnitExecutor,
  calibration: Calibration,
  options: RoundsOptions,
): Promise<RoundsResult> {
  const { model, steps } = options;
  const runs = [...new Set(options.policies)].map((ref) => {
    const policy = resolvePolicy(ref);
    const partition = startPartition(policy, options.ctx);
    const m: Measured = {
      policy: policy.name,
      adapts: partition.adapts,
      allocations: [],
      local: [],
      ...(options.stageUnits ? { stageLocal: [] } : {}),
    };
    return { m, partition };
  });
  const maxRounds = Math.max(steps, options.maxRounds ?? steps);
  let failure: DeviceError | null = null;
  let stop: StopReason = 'rounds';
  try {
    rounds: for (let round = 0; round < maxRounds; round++) {
      if (round >= Math.min(steps, options.firstCheck ?? steps)) {
        const verdict = options.next?.(
          round,
          runs.map((r) => r.m),
        );
        if (verdict !== undefined && verdict !== 'continue') {
          stop = verdict;
          break;
        }
      }
      for (const [index, run] of runs.entries()) {
        if (options.shouldStop?.()) {
          stop = 'interrupted';
          break rounds;
        }
        options.onProgress?.({
          phase: 'policy',
          policy: run.m.policy,
          policyIndex: index,
          policies: runs.length,
          round,
          minRounds: steps,
          maxRounds,
          step: round,
          steps,
        });
        const allocation = run.partition.allocation;
        const first = options.classOrder === 'fixed' ? 0 : round;
        const [times = []] = await runSteps(
          gpu,
          executor,
          calibration,
          model,
          allocation,
          1,
          first,
          true,
          options.workFactor,
          options.stageUnits,
          (stages) => run.m.stageLocal?.push(...stages),
        );
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
  const measured = runs.map((r) => r.m).filter((m) => m.local.length > 0);
  // Rounds begun: a device failure can end one part-way.
  return { measured, failure, stop, rounds: Math.max(0, ...measured.map((m) => m.local.length)) };
}

/**
 * Runs `steps` steps of one allocation: one timed pass per class with work. Step t's passes
 * start at class (firstClass + t) mod k (firstClass with `rotate` false) and go round in class order; times come back in class
 * order either way. A class's work is its modelled time in units times its `workFactor` (1 by
 * default): a slowed generation really runs longer, and nothing downstream is told why.
 */
export async function runSteps(
  gpu: Gpu,
  executor: UnitExecutor,
  cal: Calibration,
  model: ClusterModel,
  allocation: Allocation,
  steps: number,
  firstClass = 0,
  rotate = true,
  workFactor: WorkFactor = [],
  stageUnits?: StageUnits,
  onStages?: (stages: (StageLocal | null)[][]) => void,
): Promise<LocalSteps> {
  const k = model.classes.length;
  const orderOf = (t: number): number[] => Array.from({ length: k }, (_, j) => (firstClass + (rotate ? t : 0) + j) % k);
  if (stageUnits) {
    const r = await runStageSteps(gpu, stageUnits, cal, model, allocation, orderOf, steps, workFactor);
    onStages?.(r.stages);
    return r.local;
  }
  const units = model.classes.map(
    (c, i) => classComputeS(c, allocation[i] ?? 0) * cal.unitsPerClusterS * factorOf(workFactor, i),
  );
  const work = units.map((u) => (u > 0 ? executor.work(u) : null));
  const passes: PassEncoder[] = [];
  for (let t = 0; t < steps; t++)
    for (const i of orderOf(t)) {
      const w = work[i];
      if (w) passes.push(w);
    }
  const times = await timePasses(gpu, passes);
  const local: LocalSteps = [];
  let p = 0;
  for (let t = 0; t < steps; t++) {
    const step = work.map(() => 0);
    for (const i of orderOf(t)) if (work[i]) step[i] = times.seconds[p++] ?? Number.NaN;
    local.push(step);
  }
  return local;
}
