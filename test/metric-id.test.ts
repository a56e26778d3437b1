import { describe, expect, it } from 'vitest';
import { bmfKeys } from '../src/report/bmf.js';
import {
  benchCaseSlug,
  changeScale,
  type MetricId,
  metric,
  metricName,
  parseMetricName,
  unitNames,
} from '../src/report/metric.js';

// The dotted names are what reports store and CI baselines key on: they must never change.
const NAMES: readonly [MetricId, string][] = [
  [{ scope: 'run', policy: 'lockstep', figure: 'stepTime' }, 'run.lockstep.stepTime'],
  [
    { scope: 'run', policy: 'proportional-measured', figure: 'stragglerLoss' },
    'run.proportional-measured.stragglerLoss',
  ],
  [{ scope: 'run', policy: 'minmax', figure: 'speedup' }, 'run.minmax.speedup'],
  [
    { scope: 'kernel', role: 'tuned', shape: { m: 1024, n: 1024, k: 1024 }, figure: 'gflops' },
    'kernel.tuned.1024x1024x1024.gflops',
  ],
  [
    { scope: 'kernel', role: 'tuned-busy-polling', shape: { m: 512, n: 256, k: 128 }, figure: 'gflops' },
    'kernel.tuned-busy-polling.512x256x128.gflops',
  ],
  [
    { scope: 'blas', library: 'numpy', shape: { m: 256, n: 256, k: 256 }, figure: 'gflops' },
    'blas.numpy.256x256x256.gflops',
  ],
  [{ scope: 'probe', probe: 'fma.f32', figure: 'gflops' }, 'probe.fma.f32.gflops'],
  [{ scope: 'probe', probe: 'fma.f16', figure: 'gflops' }, 'probe.fma.f16.gflops'],
  [{ scope: 'probe', probe: 'bandwidth', figure: 'gbs' }, 'probe.bandwidth.gbs'],
  [
    { scope: 'simulate', benchCase: benchCaseSlug('colossus mix 1,000 GPUs'), figure: 'meanMs' },
    'simulate.colossus-mix-1-000-gpus.meanMs',
  ],
  [{ scope: 'autotune', figure: 'seconds' }, 'autotune.seconds'],
];

describe('metric identities', () => {
  it.each(NAMES)('%j is stored as %s and read back', (id, name) => {
    expect(metricName(id)).toBe(name);
    expect(parseMetricName(name)).toEqual(id);
  });

  it.each([
    'run.fastest.stepTime',
    'run.lockstep.stepTime.extra',
    'kernel.naive.f32.256x256x256.gflops',
    'kernel.tuned.01x2x3.gflops',
    'probe.fma.f64.gflops',
    'inj.metric',
    'autotune',
  ])('%s is not a name hetbench writes', (name) => {
    expect(parseMetricName(name)).toBeNull();
  });

  it('a metric takes its unit and direction from its identity; the JSON keeps its field order', () => {
    const m = metric({ scope: 'run', policy: 'lockstep', figure: 'stragglerLoss' }, 0.25, [0.2, 0.3]);
    expect(JSON.stringify(m)).toBe(
      '{"name":"run.lockstep.stragglerLoss","unit":"fraction","better":"lower","value":0.25,"samples":[0.2,0.3]}',
    );
    expect(metric({ scope: 'run', policy: 'minmax', figure: 'tokensPerS' }, 1, [])).toMatchObject({
      unit: 'tokens/s',
      better: 'higher',
    });
    expect(metric({ scope: 'simulate', benchCase: 'x', figure: 'meanMs' }, 1, [])).toMatchObject({
      unit: 'ms',
      better: 'lower',
    });
  });

  it('fractions change by points, every other unit by ratio', () => {
    for (const unit of unitNames) expect(changeScale(unit)).toBe(unit === 'fraction' ? 'points' : 'ratio');
  });

  it("Bencher's benchmark is the name without its figure, for hetbench's names and others alike", () => {
    for (const [id, name] of NAMES) {
      const keys = bmfKeys(metric(id, 1, []));
      expect(`${keys.benchmark}.${keys.measure}`).toBe(name);
      expect(keys.measure).toBe(id.figure);
    }
    expect(
      bmfKeys({
        name: 'kernel.naive.f32.256x256x256.gflops',
        unit: 'GFLOP/s',
        better: 'higher',
        value: 1,
        samples: [],
      }),
    ).toEqual({ benchmark: 'kernel.naive.f32.256x256x256', measure: 'gflops' });
  });
});
