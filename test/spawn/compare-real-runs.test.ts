import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/report/compare.js';
import { loadReport } from '../../src/report/load.js';
import type { Report } from '../../src/report/schema.js';
import { hetbench } from '../helpers/spawn-cli.js';

/*
 * Issue 14's gate on real runs, with compare's default flags (every metric, thresholds from the
 * reports' own intervals): two default runs of one commit are unchanged (exit 0), and a default
 * run whose H100s really run slower (`--slow`: their local work really run longer; the model
 * not told) is a regression (exit 1) on the H100 class's compute ratio.
 *
 * The slowdown here is 50%, not the 10%. How small a change two default (40 s) runs
 * resolve is the host's: compare's `needs` for the H100 ratio was 3-8% on this project's VM on
 * a quiet day, 9-12.5% in a CI run, and 7-17% on a busy day (8 rounds in the 40 s); a 10%
 * slowdown is found every time on the first and 4 times in 10 on the last (docs/ci.md has the
 * rates and the number of runs behind them). A gate that fails at random is no gate, so this
 * one slows the H100s by 50%, about three times the widest threshold seen. The runs are held to
 * the default's 40 s (`--max-time 40`: without it a busy host's default run goes on to 120 s to
 * resolve the class ratios, which a 50% slowdown does not need), so about 40 s a run.
 */
// The real job summary must not receive these runs' Markdown under GitHub Actions.
const run = (args: readonly string[]) => hetbench(args, { GITHUB_STEP_SUMMARY: '' }, 600_000);

const unreliable = (...reports: (Report | undefined)[]): boolean =>
  reports.some((r) => r?.kind === 'run' && r.quality?.verdict === 'unreliable');

describe('real default runs on one machine, compared with default flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-real-'));
  const [a, b, slow] = ['a.json', 'b.json', 'slow.json'].map((f) => join(dir, f)) as [string, string, string];

  it('two runs of one commit: no regression, exit 0', { timeout: 1_500_000 }, () => {
    for (const p of [a, b]) expect(run(['run', '--max-time', '40', '--json', p]).status).toBe(0);
    const [ra, rb] = [loadReport(a), loadReport(b)];
    const cmp = compareReports(ra, rb);
    expect(cmp.sameAdapter).toBe(true);
    expect(cmp.metrics.some((m) => m.name === 'class.h100-sxm.computeRatio')).toBe(true);
    const seen = cmp.metrics.map((m) => `${m.name}: ${m.verdict}, ratio ${m.ratio.toFixed(3)}`).join('; ');
    expect(
      cmp.metrics.filter((m) => m.verdict === 'regression').map((m) => m.name),
      seen,
    ).toEqual([]);
    const c = run(['compare', a, b]);
    expect(c.stdout).toMatch(/metric\s+base\s+head\s+change\s+needs/);
    expect(c.status, c.stdout + c.stderr).toBe(0);
    // An unreliable report (over 40% local noise: the host, not the code) is inconclusive: exit 0 too.
    if (unreliable(ra, rb)) expect(c.stdout + c.stderr).toMatch(/inconclusive/i);
  });

  it('a run whose H100s really run 50% slower: a regression on the H100 class, exit 1', { timeout: 1_500_000 }, () => {
    expect(run(['run', '--max-time', '40', '--json', slow, '--slow', 'h100-sxm=1.5']).status).toBe(0);
    const [base, head] = [loadReport(a), loadReport(slow)];
    const c = run(['compare', a, slow, '--format', 'json']);
    if (unreliable(base, head)) {
      expect(c.status).toBe(0);
      return;
    }
    const out = JSON.parse(c.stdout) as { metrics: { name: string; verdict: string; ratio: number }[] };
    const h100 = out.metrics.find((m) => m.name === 'class.h100-sxm.computeRatio');
    expect(h100, c.stdout).toMatchObject({ verdict: 'regression' });
    // At least half the injected change on the log scale (sqrt(1.5) = 1.225).
    expect(h100?.ratio, c.stdout).toBeGreaterThan(1.225);
    expect(c.status).toBe(1);
  });
});
