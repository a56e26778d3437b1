import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

interface Report {
  policies: { policy: string; measured: { speedup: number; ci: Record<string, [number, number]> } }[];
  measurement: { stop: { reason: string; rounds: number } };
}

describe('run: intervals and adaptive rounds', () => {
  it('every measured figure has a 95% interval around it, in the JSON and the terminal; the stop is recorded', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hetbench-ci-')), 'r.json');
    const r = hetbench([
      'run',
      '--quick',
      '--policy',
      'lockstep,minmax',
      '--target-ci',
      '0.5',
      '--max-time',
      '20',
      '--json',
      out,
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    for (const p of report.policies) {
      for (const figure of ['stepS', 'speedup', 'stragglerLoss', 'mfu', 'tokensPerS']) {
        const [lo, hi] = p.measured.ci[figure] ?? [Number.NaN, Number.NaN];
        expect(lo, `${p.policy} ${figure}`).toBeLessThanOrEqual(hi);
      }
      const [lo, hi] = p.measured.ci['speedup'] ?? [Number.NaN, Number.NaN];
      expect(p.measured.speedup).toBeGreaterThanOrEqual(lo);
      expect(p.measured.speedup).toBeLessThanOrEqual(hi);
    }
    // A +-50% target is met at the minimum: the run stops on it, at --steps (8 with --quick).
    expect(report.measurement.stop).toMatchObject({ reason: 'target', rounds: 8 });
    expect(r.stdout).toMatch(/minmax\s+\S+ \[\S+, \S+\]/);
    expect(r.stdout).toMatch(/x \[\S+x, \S+x\]/);
    expect(r.stdout).toMatch(/rounds: 8 \(every speedup interval within the target/);
    // Plain progress lines (no TTY) name the round, not the first policy of it.
    expect(r.stderr).toMatch(/step 1\/8 \(at least 8, up to \d+\), 2 policies interleaved/);
  });

  it('--target-ci without --max-time is bad input naming the flag', () => {
    const r = hetbench(['run', '--quick', '--target-ci', '0.02']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--target-ci: got "0.02"; needs --max-time/);
  });

  it('a target out of range names --target-ci', () => {
    const r = hetbench(['run', '--quick', '--target-ci', '5', '--max-time', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--target-ci/);
  });
});
