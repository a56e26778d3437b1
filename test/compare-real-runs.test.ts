import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../src/report/compare.js';
import { loadReport } from '../src/report/load.js';
import { hetbench } from './helpers/spawn-cli.js';

/*
 * Two real `hetbench run --quick` reports from the same machine must compare as unchanged,
 * and `hetbench compare` on them must print the table and exit 0. Needs the built CLI with
 * the `run` command (issue 6) and a WebGPU adapter; slow on the software adapter.
 */
/** docs/ci.md: the threshold for a GPU-less runner (software adapter on shared CPUs). */
const SOFTWARE_THRESHOLD = 0.15;

// The real job summary must not receive these runs' Markdown under GitHub Actions.
const run = (args: readonly string[]) => hetbench(args, { GITHUB_STEP_SUMMARY: '' }, 600_000);

describe('two real quick runs on one machine', () => {
  it('compare as unchanged: no regression, exit 0', { timeout: 1_500_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hetbench-real-'));
    const paths = [join(dir, 'a.json'), join(dir, 'b.json')];
    for (const p of paths) {
      const r = run(['run', '--quick', '--json', p]);
      expect(r.status, r.stderr).toBe(0);
    }
    const [a, b] = paths.map((p) => loadReport(p));
    // The software adapter's between-run spread needs the threshold docs/ci.md gives for it.
    const cmp = compareReports(a!, b!, { threshold: SOFTWARE_THRESHOLD, alpha: 0.05 });
    expect(cmp.sameAdapter).toBe(true);
    expect(cmp.metrics.length).toBeGreaterThan(0);
    expect(cmp.metrics.filter((m) => m.verdict === 'regression').map((m) => m.name)).toEqual([]);

    const c = run(['compare', paths[0]!, paths[1]!, '--threshold', String(SOFTWARE_THRESHOLD * 100)]);
    expect(c.stdout).toMatch(/metric\s+base\s+head\s+change/);
    expect(c.status, c.stdout + c.stderr).toBe(0);
  });
});
