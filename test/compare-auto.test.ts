import { describe, expect, it } from 'vitest';
import { compareReports } from '../src/report/compare.js';
import {
  AUTO_FLOOR,
  autoTest,
  bonferroniSignificant,
  classRatioResolution,
  resolutionText,
  resolvableChange,
  sideEstimate,
} from '../src/report/compare-auto.js';
import type { Metric } from '../src/report/metric.js';
import { makeRunReport } from './fixtures/reports.js';

// compare's default mode: each metric judged against the intervals its two reports state.
const withMetrics = (seed: number, metrics: Metric[]) => ({ ...makeRunReport({ seed }), metrics });
const stepMetric = (name: string, value: number, halfWidth: number, better: Metric['better'] = 'lower'): Metric => ({
  name,
  unit: 's',
  better,
  value,
  samples: [value, value, value, value],
  ci: [value * (1 - halfWidth), value * (1 + halfWidth)],
});

describe('compare --threshold auto', () => {
  it('calls a 10% slowdown whose reports resolve +-2%, not one whose reports only resolve +-15%', () => {
    const tight = compareReports(
      withMetrics(1, [stepMetric('run.lockstep.stepTime', 100, 0.02)]),
      withMetrics(2, [stepMetric('run.lockstep.stepTime', 110, 0.02)]),
    );
    const loose = compareReports(
      withMetrics(1, [stepMetric('run.lockstep.stepTime', 100, 0.15)]),
      withMetrics(2, [stepMetric('run.lockstep.stepTime', 110, 0.15)]),
    );
    expect(tight.metrics[0]).toMatchObject({ verdict: 'regression' });
    expect(tight.metrics[0]!.threshold).toBeLessThan(0.1);
    expect(loose.metrics[0]).toMatchObject({ verdict: 'unchanged' });
    expect(loose.metrics[0]!.threshold).toBeGreaterThan(0.1);
  });

  it('an improvement is an improvement, and the direction follows `better`', () => {
    const c = compareReports(
      withMetrics(1, [stepMetric('run.minmax.speedup', 1.1, 0.01, 'higher')]),
      withMetrics(2, [stepMetric('run.minmax.speedup', 1.2, 0.01, 'higher')]),
    );
    expect(c.metrics[0]).toMatchObject({ verdict: 'improvement' });
  });

  it('a significant change under the 2% floor is not called', () => {
    const c = compareReports(
      withMetrics(1, [stepMetric('run.lockstep.stepTime', 100, 0.001)]),
      withMetrics(2, [stepMetric('run.lockstep.stepTime', 101.5, 0.001)]),
    );
    expect(c.metrics[0]!.p).toBeLessThan(1e-6);
    expect(c.metrics[0]).toMatchObject({ verdict: 'unchanged', threshold: AUTO_FLOOR.ratio });
  });

  it('the family: the same change needs more evidence among 30 metrics than alone', () => {
    const alone = compareReports(
      withMetrics(1, [stepMetric('run.lockstep.stepTime', 100, 0.05)]),
      withMetrics(2, [stepMetric('run.lockstep.stepTime', 108, 0.05)]),
    );
    const others = Array.from({ length: 29 }, (_, i) => stepMetric(`class.x${i}.computeRatio`, 1, 0.05));
    const crowd = compareReports(
      withMetrics(1, [stepMetric('run.lockstep.stepTime', 100, 0.05), ...others]),
      withMetrics(2, [stepMetric('run.lockstep.stepTime', 108, 0.05), ...others]),
    );
    expect(alone.metrics[0]).toMatchObject({ verdict: 'regression' });
    expect(crowd.metrics[0]).toMatchObject({ verdict: 'unchanged' });
    expect(crowd.metrics[0]!.threshold).toBeGreaterThan(alone.metrics[0]!.threshold);
  });

  it('a fraction changes by points, tested against its interval in points', () => {
    const loss = (value: number): Metric => ({
      name: 'run.lockstep.stragglerLoss',
      unit: 'fraction',
      better: 'lower',
      value,
      samples: [],
      ci: [value - 0.005, value + 0.005],
    });
    expect(compareReports(withMetrics(1, [loss(0.1)]), withMetrics(2, [loss(0.13)])).metrics[0]).toMatchObject({
      verdict: 'regression',
    });
    expect(compareReports(withMetrics(1, [loss(0.1)]), withMetrics(2, [loss(0.105)])).metrics[0]).toMatchObject({
      verdict: 'unchanged',
    });
  });

  it('a metric without an interval falls back to its samples, and under 4 samples is not tested', () => {
    const samples = (xs: number[]): Metric => ({ name: 'k', unit: 'GFLOP/s', better: 'higher', value: 0, samples: xs });
    expect(sideEstimate(samples([1, 2, 3]), 4)).toBeNull();
    const s = sideEstimate(samples([10, 11, 9, 10.5, 9.5, 10.2]), 4);
    expect(s?.from).toBe('samples');
    expect(s!.se).toBeGreaterThan(0);
    const c = compareReports(withMetrics(1, [samples([1, 2, 3])]), withMetrics(2, [samples([5, 6, 7])]));
    expect(c.metrics[0]).toMatchObject({ verdict: 'unchanged' });
    expect(c.metrics[0]!.note).toMatch(/not tested/);
  });

  it('z test, Bonferroni and the resolvable change agree with their definitions', () => {
    const t = autoTest({ at: 0, se: 0.03, from: 'report' }, { at: Math.log(1.1), se: 0.04, from: 'report' });
    expect(t.se).toBeCloseTo(0.05, 12);
    expect(t.p).toBeCloseTo(0.0568, 3); // z = 0.0953 / 0.05 = 1.906
    expect(bonferroniSignificant([0.01, 0.02, 0.2], 0.05)).toEqual([true, false, false]);
    // One metric at alpha 0.05: z 1.96; se 0.05 -> e^(0.098) - 1 = 10.3%.
    expect(resolvableChange(0.05, 1, 0.05, false)).toBeCloseTo(Math.expm1(1.959964 * 0.05), 5);
    expect(resolvableChange(0.0001, 1, 0.05, true)).toBe(AUTO_FLOOR.points);
  });
});

describe('what the class compute ratios could resolve (the resolution note)', () => {
  const m = (name: string, threshold: number) => ({ name, threshold, test: 'normal' });

  it('names the widest class ratio threshold and how many times longer both runs must be for 5%', () => {
    const r = classRatioResolution([
      m('class.h100-sxm.computeRatio', 0.12),
      m('class.gb200.computeRatio', 0.08),
      m('run.lockstep.stepTime', 0.4),
    ]);
    // (12% / 5%)^2 = 5.76: six times the rounds.
    expect(r).toEqual({ classRatioThreshold: 0.12, metric: 'class.h100-sxm.computeRatio', target: 0.05, longerBy: 6 });
    expect(resolutionText(r as NonNullable<typeof r>)).toMatch(/12% or more.*about 6x as long.*--max-time/);
  });

  it('is null when every class ratio resolves 5% already, or none was tested', () => {
    expect(classRatioResolution([m('class.h100-sxm.computeRatio', 0.03), m('run.lockstep.stepTime', 0.4)])).toBeNull();
    expect(classRatioResolution([m('run.lockstep.stepTime', 0.4)])).toBeNull();
    expect(classRatioResolution([])).toBeNull();
  });
});
