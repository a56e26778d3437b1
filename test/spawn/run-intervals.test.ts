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
      '0.99',
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
    // A +-99% target is met at the minimum (even on a loaded host): the run stops on it, at --steps (8 with --quick).
    expect(report.measurement.stop).toMatchObject({ reason: 'target', rounds: 8 });
    expect(r.stdout).toMatch(/minmax\s+\S+ \[\S+, \S+\]/);
    expect(r.stdout).toMatch(/x \[\S+x, \S+x\]/);
    expect(r.stdout).toMatch(/rounds: 8 \(every speedup interval within the target/);
    // Plain progress lines (no TTY) name the round, not the first policy of it.
    expect(r.stderr).toMatch(/step 1\/8 \(at least 8, up to \d+\), 2 policies interleaved/);
  });

  it('--target-ci off with a --max-time is bad input naming the flag (the budget would do nothing)', () => {
    const r = hetbench(['run', '--quick', '--target-ci', 'off', '--max-time', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--max-time: got "10"; has no effect with --target-ci off/);
  });

  it('--steps alone runs exactly that many rounds; the defaults run adaptive rounds within the budget', () => {
    const exact = join(mkdtempSync(join(tmpdir(), 'hetbench-ci-')), 'r.json');
    expect(hetbench(['run', '--quick', '--policy', 'lockstep,minmax', '--steps', '3', '--json', exact]).status).toBe(0);
    const fixed = JSON.parse(readFileSync(exact, 'utf8')) as Report;
    expect(fixed.measurement.stop).toMatchObject({ reason: 'rounds', rounds: 3 });
    const auto = join(mkdtempSync(join(tmpdir(), 'hetbench-ci-')), 'r.json');
    const r = hetbench(['run', '--quick', '--policy', 'lockstep,minmax', '--json', auto]);
    expect(r.status).toBe(0);
    const adaptive = JSON.parse(readFileSync(auto, 'utf8')) as Report;
    // --quick's defaults: at least 8 rounds, then to +-5% or 15 s of measured run.
    expect(['target', 'time']).toContain(adaptive.measurement.stop.reason);
    expect(adaptive.measurement.stop.rounds).toBeGreaterThanOrEqual(8);
    expect(r.stdout).toMatch(/rounds: \d+ \((every speedup interval within the target|the time budget ran out)/);
  });

  it('a target out of range names --target-ci', () => {
    const r = hetbench(['run', '--quick', '--target-ci', '5', '--max-time', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--target-ci/);
  });
});
