import { composeMeasured, measuredJitter } from '../../src/bench/measured-compose.js';
import type { FigureInputs } from '../../src/bench/measured-figures.js';
import { getPolicy, stepSync } from '../../src/policy/index.js';
import { classComputeS } from '../../src/sim/compose.js';
import type { PolicyFigures } from '../../src/sim/figures.js';

/**
 * The figures a measurement without artifacts gives: every class's local time exactly its
 * modelled time (ratio 1), composed with the run's composer at the run's tail factors.
 */
export function expectedMeasured(inputs: FigureInputs): PolicyFigures[] {
  const { model } = inputs;
  const exact = (m: FigureInputs['measured'][number]) => ({
    ...m,
    local: m.allocations.map((a) => model.classes.map((c, i) => classComputeS(c, a[i] ?? 0))),
  });
  const cal = { ...inputs.calibration, dilation: 1 };
  const tails = composeTails(inputs);
  const lock = inputs.measured.find((m) => m.policy === 'lockstep');
  if (!lock) throw new Error('synthetic runs measure lockstep');
  const lockS = composeMeasured(model, stepSync(getPolicy('lockstep'), model), exact(lock), cal, tails, null).run
    .figures.stepS;
  return inputs.measured.map(
    (m) => composeMeasured(model, stepSync(getPolicy(m.policy), model), exact(m), cal, tails, lockS).run.figures,
  );
}

/** The tail factors at the inputs' given jitter (synthetic runs give one). */
function composeTails(inputs: FigureInputs): readonly number[] {
  return measuredJitter(inputs.model, [], inputs.calibration, inputs.source).tailFactors;
}
