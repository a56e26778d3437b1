import { type ClusterModel, workersOf } from '../model/types.js';
import { apportion, assertFits, classCaps } from './apportion.js';
import type { PolicyContext, StaticPolicy } from './policy.js';

/**
 * Per-GPU sequences/s each class would show in a throughput benchmark: the local calibration's
 * measurement when given, else the model's rate at the lockstep per-GPU batch (the size a
 * throughput benchmark of the running job would see), capped to what fits.
 */
export function measuredRates(model: ClusterModel, measured?: readonly number[]): number[] {
  return model.classes.map((c, i) => {
    const m = measured?.[i];
    if (m !== undefined && Number.isFinite(m) && m > 0) return m;
    const b = Math.min(Math.max(1, Math.ceil(model.globalBatch / workersOf(model))), c.memoryCapSequences);
    if (b <= 0) return 0;
    const t = c.timeS(b);
    return t > 0 ? b / t : 0;
  });
}

/** Batch proportional to measured throughput (Metis-style). */
export const proportionalMeasured: StaticPolicy = {
  name: 'proportional-measured',
  summary: 'batch proportional to measured throughput (calibration, else model)',
  kind: 'static',
  allocate(ctx: PolicyContext) {
    const { model } = ctx;
    assertFits(model, 'proportional-measured');
    const rates = measuredRates(model, ctx.measuredSequencesPerS);
    return apportion(
      model.classes.map((c, i) => c.count * (rates[i] ?? 0)),
      model.globalBatch,
      classCaps(model),
    );
  },
};
