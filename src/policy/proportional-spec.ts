import { apportion, assertFits, classCaps } from './apportion.js';
import type { PolicyContext, StaticPolicy } from './policy.js';

/** Batch proportional to each GPU's datasheet peak (dense, at the workload's dtype). */
export const proportionalSpec: StaticPolicy = {
  name: 'proportional-spec',
  summary: 'batch proportional to datasheet peak throughput',
  kind: 'static',
  allocate(ctx: PolicyContext) {
    const { model } = ctx;
    assertFits(model, 'proportional-spec');
    return apportion(
      model.classes.map((c) => c.count * c.peakFlops),
      model.globalBatch,
      classCaps(model),
    );
  },
};
