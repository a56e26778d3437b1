import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

interface Report {
  inputs: { slow?: Record<string, number> };
  classes: { gpu: string }[];
  policies: { policy: string; allocation: number[]; measured: { stepS: number }; predicted: { stepS: number } }[];
}

const POLICIES = ['run', '--quick', '--policy', 'lockstep,proportional-measured'];

function runReport(extra: readonly string[]): { report: Report; stdout: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'hetbench-slow-')), 'r.json');
  const r = hetbench([...POLICIES, ...extra, '--json', out]);
  expect(r.status, r.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(out, 'utf8')) as Report, stdout: r.stdout };
}

function policy(report: Report, name: string): Report['policies'][number] {
  const p = report.policies.find((x) => x.policy === name);
  if (!p) throw new Error(`no ${name} in the report`);
  return p;
}

/** h100-sxm's share of the global batch under a policy. */
function h100Share(report: Report, name: string): number {
  const a = policy(report, name).allocation;
  const i = report.classes.findIndex((c) => c.gpu === 'h100-sxm');
  return (a[i] ?? 0) / a.reduce((s, x) => s + x, 0);
}

describe('run --slow: a fail-slow what-if the model is not told about', () => {
  it('slows h100-sxm for real: lockstep measures longer than modelled, proportional-measured gives it less', () => {
    const base = runReport([]);
    const slow = runReport(['--slow', 'h100-sxm=3']);
    const lockBase = policy(base.report, 'lockstep');
    const lockSlow = policy(slow.report, 'lockstep');
    // The model is not told: lockstep's predicted step is the same; the measured one is not.
    expect(lockSlow.predicted.stepS).toBe(lockBase.predicted.stepS);
    expect(lockSlow.measured.stepS).toBeGreaterThan(1.5 * lockSlow.predicted.stepS);
    expect(lockSlow.measured.stepS).toBeGreaterThan(1.5 * lockBase.measured.stepS);
    // The pilot measured the slowdown, so proportional-measured moves work off the H100s.
    expect(h100Share(slow.report, 'proportional-measured')).toBeLessThan(
      0.8 * h100Share(base.report, 'proportional-measured'),
    );
    expect(slow.report.inputs.slow).toEqual({ 'h100-sxm': 3 });
    expect(base.report.inputs.slow).toBeUndefined();
    expect(slow.stdout).toContain('what-if: h100-sxm x3 slower (the model does not know)');
    expect(base.stdout).not.toContain('what-if:');
  });

  it.each([
    ['h100=3', /--slow: got "h100=3"; names no GPU of cluster colossus-1; its GPU ids are: h100-sxm, h200-sxm, gb200/],
    ['h100-sxm=0', /--slow: got "h100-sxm=0"; needs a FACTOR from 1 to 10/],
    ['h100-sxm=11', /--slow: got "h100-sxm=11"; needs a FACTOR from 1 to 10/],
    ['h100-sxm', /--slow: got "h100-sxm"; must be GEN=FACTOR/],
  ])('--slow %s is bad input (exit 2) naming the flag, the value and the fix', (value, message) => {
    const r = hetbench(['run', '--quick', '--slow', value]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('the same GPU slowed twice is bad input', () => {
    const r = hetbench(['run', '--quick', '--slow', 'gb200=2', '--slow', 'gb200=3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--slow: got "gb200=3"; slows gb200 a second time/);
  });
});
