import { describe, expect, it } from 'vitest';
import { MIN_SAMPLES } from '../src/report/compare.js';
import { renderHtml } from '../src/report/html.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { assessQuality, QUALITY_LIMITS, type QualityEvidence, qualityLine } from '../src/report/quality.js';
import { makeRunReport } from './fixtures/reports.js';

/** A clean run: quiet, well fitted, 16 rounds, tight intervals that hold the model's figures. */
function evidence(over: {
  cv?: number;
  r2?: number;
  unitCounts?: number;
  shape?: 'affine' | 'proportional' | 'raw';
  rounds?: number;
  widest?: number;
  minmaxModel?: number;
  lockstepModelLoss?: number;
  timing?: 'gpu-timestamp' | 'wall-clock';
  noCi?: boolean;
}): QualityEvidence {
  const ci = (speedup: readonly [number, number]) =>
    over.noCi ? {} : { ci: { speedup, stragglerLoss: [0.14, 0.17] as const } };
  return {
    jitter: { cv: over.cv ?? 0.04 },
    calibration: {
      timing: over.timing ?? 'gpu-timestamp',
      fit: { shape: over.shape ?? 'affine', r2: over.r2 ?? 0.998, unitCounts: over.unitCounts ?? 6 },
    },
    stop: { rounds: over.rounds ?? 16, widestHalfWidth: over.widest ?? 0.05 },
    policies: [
      {
        policy: 'lockstep',
        measured: { speedup: 1, stragglerLoss: 0.155, ...ci([1, 1]) },
        predicted: { speedup: 1, stragglerLoss: over.lockstepModelLoss ?? 0.151 },
      },
      {
        policy: 'minmax',
        measured: { speedup: 1.13, stragglerLoss: 0.05, ...ci([1.08, 1.19]) },
        predicted: { speedup: over.minmaxModel ?? 1.14, stragglerLoss: 0.05 },
      },
    ],
  };
}

describe('assessQuality', () => {
  it('a quiet, well-fitted run whose intervals hold the model is good, with no reasons', () => {
    const q = assessQuality(evidence({}));
    expect(q).toEqual({ verdict: 'good', reasons: [] });
    expect(qualityLine(q)).toMatch(/^quality: good/);
  });

  it.each([
    ['local noise above 8% CV', { cv: 0.126 }, /local noise 12\.6% CV \(above 8%\)/],
    ['a speedup interval wider than +-10%', { widest: 0.14 }, /widest speedup interval \+-14\.0%/],
    ['the model speedup outside its interval', { minmaxModel: 1.25 }, /model outside .* for minmax/],
    ['the model lockstep loss outside its interval', { lockstepModelLoss: 0.2 }, /for lockstep loss/],
    ['a local-time fit worse than any default run', { r2: 0.89 }, /R\^2 0\.89, below 0\.9\)/],
    ['wall-clock timing', { timing: 'wall-clock' as const }, /wall clock/],
    // Wide, but honest: compare's auto thresholds hold each metric to its own interval.
    ['a speedup interval of +-40%', { widest: 0.4 }, /widest speedup interval \+-40\.0% \(above \+-10%\)/],
    ['local noise of 30% CV', { cv: 0.3 }, /local noise 30\.0% CV \(above 8%\)/],
  ])('%s is noisy', (_name, over, reason) => {
    const q = assessQuality(evidence(over));
    expect(q.verdict).toBe('noisy');
    expect(q.reasons).toHaveLength(1);
    expect(q.reasons[0]).toMatch(reason);
  });

  it.each([
    ['local noise above 40% CV', { cv: 0.45 }, /local noise 45\.0% CV \(above 40%\)/],
    ['a poor local-time fit', { r2: 0.75 }, /R\^2 0\.75, below 0\.8/],
    ['fewer than 4 rounds', { rounds: 3 }, /only 3 rounds \(fewer than 4\)/],
    ['noise that was never measured', { cv: Number.NaN }, /local noise not measured/],
  ])('%s is unreliable', (_name, over, reason) => {
    const q = assessQuality(evidence(over));
    expect(q.verdict).toBe('unreliable');
    expect(q.reasons[0]).toMatch(reason);
  });

  it('the limits sit at their documented values, and each is a strict bound', () => {
    expect(QUALITY_LIMITS).toMatchObject({
      unreliableCv: 0.4,
      noisyCv: 0.08,
      noisyR2: 0.9,
      unreliableR2: 0.8,
      minRounds: 4,
      noisyHalfWidth: 0.1,
    });
    expect(QUALITY_LIMITS.minRounds).toBe(MIN_SAMPLES);
    expect(assessQuality(evidence({ cv: 0.08, widest: 0.1, rounds: 4, r2: 0.9 })).verdict).toBe('good');
    expect(assessQuality(evidence({ cv: 0.4 })).verdict).toBe('noisy');
    expect(assessQuality(evidence({ r2: 0.8 })).verdict).toBe('noisy');
    expect(assessQuality(evidence({ widest: 0.5 })).verdict).toBe('noisy');
  });

  it('an unreliable run keeps its noisy reasons after the unreliable ones', () => {
    const q = assessQuality(evidence({ rounds: 2, widest: 0.12, minmaxModel: 1.5 }));
    expect(q.verdict).toBe('unreliable');
    expect(q.reasons).toEqual([
      'only 2 rounds (fewer than 4)',
      'widest speedup interval +-12.0% (above +-10%)',
      'model outside the measured 95% interval for minmax',
    ]);
    expect(qualityLine(q)).toBe(
      'quality: unreliable (only 2 rounds (fewer than 4); widest speedup interval +-12.0% (above +-10%); ' +
        'model outside the measured 95% interval for minmax): run longer (--target-ci 0.05 --max-time 60), ' +
        'close other programs, or use a GPU',
    );
  });

  it('does not judge a fit with too few unit counts or a raw fit by R^2, nor figures without intervals', () => {
    expect(assessQuality(evidence({ r2: 0.2, unitCounts: 2 })).verdict).toBe('good');
    expect(assessQuality(evidence({ r2: 0.2, shape: 'raw' })).verdict).toBe('good');
    expect(assessQuality(evidence({ noCi: true, minmaxModel: 2 })).verdict).toBe('good');
  });
});

describe('the quality line in the summaries', () => {
  const quality = { verdict: 'noisy', reasons: ['local noise 12.6% CV (above 8%)', '<b>x</b> | y'] } as const;
  const report = { ...makeRunReport({ steps: 6 }), quality };

  it('Markdown quotes it, escaped, under the cluster line', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/^> quality: noisy \(local noise 12\.6% CV \(above 8%\); .*\): run longer/m);
    expect(md).not.toContain('<b>x</b>');
  });

  it('HTML shows it as a warning, escaped', () => {
    const html = renderHtml(report);
    expect(html).toMatch(/<p class="warn">quality: noisy \(local noise 12\.6% CV/);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('a report without a verdict (older than it) renders no quality line', () => {
    expect(renderMarkdown(makeRunReport({ steps: 6 }))).not.toMatch(/quality:/);
    expect(renderHtml(makeRunReport({ steps: 6 }))).not.toMatch(/quality:/);
  });
});
