import { parseArgs } from 'node:util';
import { kernelChooser } from '../src/bench/kernel-choice.js';
import { localHiddenTarget, localUnit } from '../src/bench/local-unit.js';
import { ADAPTIVE_DEFAULTS, type MeasuredRunOptions, measuredRun } from '../src/bench/measured-run.js';
import { UnitExecutor } from '../src/bench/unit-executor.js';
import { loadCluster } from '../src/cluster/load.js';
import { closeGpu, openGpu } from '../src/gpu/open.js';
import { buildClusterModel, DEFAULT_OVERLAP } from '../src/model/cluster-model.js';
import { policyNames } from '../src/policy/index.js';
import { DEFAULT_JITTER_CV } from '../src/sim/simulate.js';
import { loadWorkload } from '../src/workload/load.js';

/**
 * `node dist/bench/measured-variants.js --variant V [--variant V2 ...] [--repeat N]`: the
 * default run (colossus-1 x 70b, every policy, 16 steps, the CLI's local sizes) with the
 * library's measurement options varied, the variants alternated in one process so that they
 * share the machine's moment. Prints one JSON line per run: lockstep loss measured vs model,
 * each policy's speedup measured [ci] vs model, the local-time fit, the stop and the wall time.
 * Variants: new (defaults), raw (localTime raw), fixed (classOrder fixed), pilot5 (5 pilot
 * steps, raw rates), old (all three), adaptive (ADAPTIVE_DEFAULTS.full).
 */
const { values } = parseArgs({
  options: {
    variant: { type: 'string', multiple: true, default: ['new'] },
    repeat: { type: 'string', default: '1' },
    steps: { type: 'string', default: '16' },
  },
});
type Variant = 'new' | 'raw' | 'fixed' | 'pilot5' | 'old' | 'adaptive';
const variantOptions = (v: Variant): Partial<MeasuredRunOptions> => {
  switch (v) {
    case 'new':
      return {};
    case 'raw':
      return { localTime: 'raw' };
    case 'fixed':
      return { classOrder: 'fixed' };
    case 'pilot5':
      return { pilotSteps: 5 };
    case 'old':
      return { localTime: 'raw', classOrder: 'fixed', pilotSteps: 5 };
    case 'adaptive':
      return ADAPTIVE_DEFAULTS.full;
  }
};
const { cluster, gpus } = loadCluster('colossus-1');
const workload = loadWorkload('70b');
const model = buildClusterModel(cluster, workload, { gpus, overlap: DEFAULT_OVERLAP });
const gpu = await openGpu();
const executor = await UnitExecutor.create(
  gpu,
  localUnit(workload, localHiddenTarget(gpu.info.isFallbackAdapter)),
  kernelChooser(),
);
const jitter = gpu.info.isFallbackAdapter ? { cv: DEFAULT_JITTER_CV } : ('measured' as const);
for (let r = 0; r < Number(values.repeat); r++) {
  for (const v of values.variant as Variant[]) {
    const t0 = performance.now();
    const result = await measuredRun(gpu, executor, {
      model,
      policies: policyNames,
      steps: Number(values.steps),
      seed: 1,
      jitter,
      stepBudgetS: 0.16,
      minRefUnits: 32,
      ...variantOptions(v),
    });
    const lock = result.policies.find((p) => p.policy === 'lockstep');
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    console.log(
      JSON.stringify({
        variant: v,
        wallS: round3((performance.now() - t0) / 1000),
        stop: result.stop,
        noiseCv: round3(result.jitter.cv),
        fit: result.calibration.fit,
        lockstepLoss: {
          measured: round3(lock?.measured.stragglerLoss ?? Number.NaN),
          ci: lock?.measured.ci.stragglerLoss.map(round3),
          model: round3(lock?.predicted.stragglerLoss ?? Number.NaN),
        },
        speedup: Object.fromEntries(
          result.policies.map((p) => [
            p.policy,
            [round3(p.measured.speedup), p.measured.ci.speedup.map(round3), round3(p.predicted.speedup)],
          ]),
        ),
      }),
    );
  }
}
executor.destroy();
closeGpu(gpu);
