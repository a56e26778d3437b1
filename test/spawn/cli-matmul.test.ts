import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

describe('hetbench matmul', () => {
  it('--json reports a verified product, GPU-timed, with positive GFLOP/s', () => {
    const r = hetbench(['matmul', '--m', '67', '--n', '45', '--k', '33', '--reps', '3', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown> & {
      adapter: { isFallbackAdapter: boolean };
      verified: { coverage: string; worstRatioToBound: number };
    };
    expect([out['m'], out['n'], out['k']]).toEqual([67, 45, 33]);
    expect(out['flops']).toBe(2 * 67 * 45 * 33);
    expect(out['timing']).toBe('gpu-timestamp');
    expect(out['hostPolling']).toBe(out['adapter'].isFallbackAdapter ? 'timer' : 'busy');
    expect(out['samplesS']).toHaveLength(3);
    expect(out['gflops']).toBeGreaterThan(0);
    expect(out['verified'].coverage).toBe('full');
    expect(out['verified'].worstRatioToBound).toBeLessThanOrEqual(1);
  });

  it('--polling busy is what the figures were taken with, and says so', () => {
    const r = hetbench(['matmul', '--m', '32', '--n', '32', '--k', '32', '--reps', '2', '--polling', 'busy', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { hostPolling: string }).hostPolling).toBe('busy');
  });

  it('prints the shape, verification and rate as text', () => {
    const r = hetbench(['matmul', '--m', '16', '--n', '16', '--k', '16', '--reps', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/matmul 16x16x16 f32 on /);
    expect(r.stdout).toMatch(/verified\s+ok: every element within the f32 bound/);
    expect(r.stdout).toMatch(/rate\s+[\d.]+ GFLOP\/s/);
    expect(r.stdout).toMatch(/GPU timestamps/);
  });

  it.each([
    [['--m', '0'], /--m: got "0"; must be an integer from 1/],
    [['--n=-5'], /--n: got "-5"/],
    [['--n', '-5'], /--n: .*argument is ambiguous/],
    [['--k', '1.5'], /--k: got "1\.5"/],
    [['--m', 'abc'], /--m: got "abc"/],
    [['--reps', '0'], /--reps: got "0"/],
    [['--m', '70000', '--n', '70000', '--k', '1'], /must have fewer than 2\^31 elements/],
    [['--bogus'], /Unknown option '--bogus'.*hetbench matmul --help/],
  ])('bad input %j exits 2 naming the flag and the value', (args, message) => {
    const r = hetbench(['matmul', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--help prints the static help and exits 0', () => {
    const r = hetbench(['matmul', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hetbench matmul --m M --n N --k K/);
  });

  it('an unknown command exits 2 and lists the commands', () => {
    const r = hetbench(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"; commands: start, run, doctor, matmul, probe, /);
  });

  it('hetbench --help lists every command', () => {
    const r = hetbench(['--help']);
    expect(r.status).toBe(0);
    for (const c of [
      'start',
      'run',
      'doctor',
      'matmul',
      'probe',
      'gpus',
      'plan',
      'simulate',
      'compare',
      'export',
      'report',
    ])
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });
});
