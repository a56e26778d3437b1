import type { Gpu } from '../gpu/open.js';
import { type PassEncoder, timePasses } from '../gpu/timer.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import { classComputeS, perGpuBatch } from '../sim/compose.js';
import { rankFinishS, type StageModel } from '../sim/stage-jitter.js';
import { median } from '../stats/quantiles.js';
import type { Calibration } from './calibrate.js';
import { type LocalUnit, wholeUnits } from './local-unit.js';
import { type KernelChooser, UnitExecutor } from './unit-executor.js';
import { factorOf, type WorkFactor } from './work-factor.js';

/**
 * The measured run on pipeline stages (docs/measured.md, "Pipeline stages"). For a hybrid job
 * every replica class's step is its pipeline schedule; here each (class, virtual stage) runs one
 * micro-batch's forward as the local unit's forward GEMMs and its backward as the backward GEMMs
 * (dgrad, wgrad and any recompute, which Megatron-LM runs in the backward), each sized by time
 * dilation to the stage's modelled forward or backward time (model/stage-cost.ts's split, via
 * sim/hybrid-step.ts), each a GPU-timed pass. The measured stage times are then composed by the
 * same schedule simulator the model uses (sim/pipeline.ts, through rankFinishS), with p2p and
 * the optimizer at their modelled times, and the class's local time is that schedule's end: so
 * everything downstream (dilation, noise, the composer, the intervals) is the DP-only run's.
 *
 * A pass for x modelled cluster-seconds runs x * R * u / u_dir whole units of its direction's
 * GEMMs (R: units per cluster-second, u: the full unit's local seconds, u_dir: the direction's
 * unit's, measured here), so local time stays proportional to modelled time in both directions;
 * each pass's fixed cost (measured per direction) and its rounding to whole units are taken
 * out of it ((t - a) * exact / whole).
 */
export interface StageUnits {
  readonly stages: StageModel;
  readonly forward: UnitExecutor;
  readonly backward: UnitExecutor;
  /** Local seconds per forward and per backward unit: the slope of pass time against units. */
  readonly forwardUnitS: number;
  readonly backwardUnitS: number;
  /** Fixed local seconds per pass of each direction (the intercept; 0 where none shows). */
  readonly forwardFixedS: number;
  readonly backwardFixedS: number;
}

/** One class's measured stage times at one step: local seconds per virtual stage (rounding removed). */
export interface StageLocal {
  readonly forwardS: readonly number[];
  readonly backwardS: readonly number[];
}

const isBackward = (name: string): boolean => /\.(dgrad|wgrad|recompute)$/.test(name);

/** Splits the local unit into its forward and backward GEMMs and measures each one's unit time. */
export async function prepareStageUnits(
  gpu: Gpu,
  unit: LocalUnit,
  stages: StageModel,
  chooseKernel: KernelChooser,
  reps = 5,
): Promise<StageUnits> {
  const part = (backward: boolean): LocalUnit => {
    const gemms = unit.gemms.filter((g) => isBackward(g.name) === backward);
    return { ...unit, gemms, flops: gemms.reduce((s, g) => s + 2 * g.shape.m * g.shape.n * g.shape.k, 0) };
  };
  const forward = await UnitExecutor.create(gpu, part(false), chooseKernel);
  const backward = await UnitExecutor.create(gpu, part(true), chooseKernel);
  // Stage passes are short (a few units), so a pass's fixed cost (dispatch, the host's wake-up)
  // is a visible share of it: time 2 and 8 units, take the slope as the unit's time and the
  // intercept as the fixed cost (section 2.1's affine fit, per direction).
  const line = async (e: UnitExecutor): Promise<{ perUnitS: number; fixedS: number }> => {
    const time = async (u: number): Promise<number> => {
      const pass = e.work(u);
      const t = await timePasses(
        gpu,
        Array.from({ length: reps }, () => pass),
      );
      return median(t.seconds.filter(Number.isFinite));
    };
    await time(1);
    const t2 = await time(2);
    const t8 = await time(8);
    const slope = (t8 - t2) / 6;
    if (!(slope > 0)) return { perUnitS: t8 / 8, fixedS: 0 };
    return { perUnitS: slope, fixedS: Math.min(Math.max(0, t2 - 2 * slope), t2 / 2) };
  };
  const f = await line(forward);
  const b = await line(backward);
  return {
    stages,
    forward,
    backward,
    forwardUnitS: f.perUnitS,
    backwardUnitS: b.perUnitS,
    forwardFixedS: f.fixedS,
    backwardFixedS: b.fixedS,
  };
}

interface ClassPlan {
  readonly forwardUnits: readonly number[];
  readonly backwardUnits: readonly number[];
}

/**
 * Runs `steps` steps of one allocation on stage units: every class's passes (forward then
 * backward per virtual stage) in the class order runSteps uses, all in one submission. Returns
 * each class's composed local time per step (runSteps' LocalSteps) and its stage samples.
 */
export async function runStageSteps(
  gpu: Gpu,
  units: StageUnits,
  cal: Calibration,
  model: ClusterModel,
  allocation: Allocation,
  orderOf: (t: number) => readonly number[],
  steps: number,
  workFactor: WorkFactor = [],
): Promise<{ local: number[][]; stages: (StageLocal | null)[][] }> {
  const localPerClusterS = cal.unitsPerClusterS * cal.unitS;
  const plans = model.classes.map((c, i): ClassPlan | null => {
    const b = perGpuBatch(c, allocation[i] ?? 0);
    if (b <= 0) return null;
    const { input } = units.stages.classes[i]?.at(b) ?? { input: null };
    if (!input) return null;
    const f = factorOf(workFactor, i) * localPerClusterS;
    return {
      forwardUnits: input.forwardS.map((x) => (x * f) / units.forwardUnitS),
      backwardUnits: input.backwardS.map((x) => (x * f) / units.backwardUnitS),
    };
  });
  const passes: PassEncoder[] = [];
  for (let t = 0; t < steps; t++)
    for (const i of orderOf(t)) {
      const plan = plans[i];
      if (!plan) continue;
      plan.forwardUnits.forEach((u, s) => {
        passes.push(units.forward.work(u));
        passes.push(units.backward.work(plan.backwardUnits[s] ?? 0));
      });
    }
  const times = await timePasses(gpu, passes);
  let p = 0;
  const local: number[][] = [];
  const stages: (StageLocal | null)[][] = [];
  for (let t = 0; t < steps; t++) {
    const stepLocal = model.classes.map(() => 0);
    const stepStages: (StageLocal | null)[] = model.classes.map(() => null);
    for (const i of orderOf(t)) {
      const plan = plans[i];
      if (!plan) continue;
      const forwardS: number[] = [];
      const backwardS: number[] = [];
      plan.forwardUnits.forEach((u, s) => {
        const bu = plan.backwardUnits[s] ?? 0;
        forwardS.push(workTime(times.seconds[p++], units.forwardFixedS, u));
        backwardS.push(workTime(times.seconds[p++], units.backwardFixedS, bu));
      });
      stepStages[i] = { forwardS, backwardS };
      stepLocal[i] = composeClassLocal(units, model, allocation, i, { forwardS, backwardS }, localPerClusterS);
    }
    local.push(stepLocal);
    stages.push(stepStages);
  }
  return { local, stages };
}

/**
 * A pass's time as the work it stood for: its fixed cost removed (never below a quarter of the
 * pass, so a noisy intercept cannot zero a pass) and its rounding to whole units undone.
 */
function workTime(t: number | undefined, fixedS: number, exactUnits: number): number {
  if (t === undefined || !Number.isFinite(t)) return Number.NaN;
  return (Math.max(t - fixedS, t / 4) * exactUnits) / wholeUnits(exactUnits);
}

/**
 * A class's local step time from its measured stage times: the schedule re-timed with them (p2p
 * and the optimizer at their modelled times, in local seconds), scaled from the schedule's end to
 * the class's modelled compute time (the same ratio the model uses: they agree at nominal).
 */
export function composeClassLocal(
  units: StageUnits,
  model: ClusterModel,
  allocation: Allocation,
  i: number,
  measured: StageLocal,
  localPerClusterS: number,
): number {
  const c = model.classes[i];
  if (!c) return 0;
  const schedule = units.stages.classes[i]?.at(perGpuBatch(c, allocation[i] ?? 0));
  if (!schedule) return 0;
  if (![...measured.forwardS, ...measured.backwardS].every((x) => Number.isFinite(x) && x > 0)) return Number.NaN;
  const finish = rankFinishS({
    ...schedule.input,
    forwardS: measured.forwardS,
    backwardS: measured.backwardS,
    p2pS: schedule.input.p2pS.map((x) => x * localPerClusterS),
  });
  let end = 0;
  finish.forEach((f, r) => {
    end = Math.max(end, f + (schedule.optimizerS[r] ?? 0) * localPerClusterS);
  });
  return schedule.baseS > 0 ? (end * classComputeS(c, allocation[i] ?? 0)) / schedule.baseS : end;
}

/**
 * Fewest whole units the smallest stage pass (a lockstep micro-batch's forward on its lightest
 * stage) runs: a pass of 1-2 units is mostly dispatch overhead and rounding, so R is raised
 * until it has this many.
 */
export const MIN_STAGE_UNITS = 4;

/**
 * The calibration with R scaled by K >= 1 so the smallest lockstep stage pass runs at least
 * MIN_STAGE_UNITS units; the reference work's local time and the dilation scale with it (its
 * local time is K times longer for the same cluster time), so D * local is unchanged.
 */
export function stageCalibration(
  cal: Calibration,
  units: StageUnits,
  model: ClusterModel,
  allocation: Allocation,
): Calibration {
  const localPerClusterS = cal.unitsPerClusterS * cal.unitS;
  let smallest = Infinity;
  model.classes.forEach((c, i) => {
    const b = perGpuBatch(c, allocation[i] ?? 0);
    if (b <= 0) return;
    const input = units.stages.classes[i]?.at(b).input;
    for (const x of input?.forwardS ?? [])
      if (x > 0) smallest = Math.min(smallest, (x * localPerClusterS) / units.forwardUnitS);
    for (const x of input?.backwardS ?? [])
      if (x > 0) smallest = Math.min(smallest, (x * localPerClusterS) / units.backwardUnitS);
  });
  const k = Number.isFinite(smallest) && smallest < MIN_STAGE_UNITS ? MIN_STAGE_UNITS / smallest : 1;
  return {
    ...cal,
    unitsPerClusterS: cal.unitsPerClusterS * k,
    refUnits: cal.refUnits * k,
    refLocalS: cal.refLocalS * k,
    dilation: cal.dilation / k,
  };
}

export function destroyStageUnits(units: StageUnits): void {
  units.forward.destroy();
  units.backward.destroy();
}
