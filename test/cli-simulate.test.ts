import { describe, expect, it, vi } from 'vitest';
import { simulateCommand } from '../src/cli/simulate.js';
import { UsageError } from '../src/errors.js';

describe('hetbench simulate', () => {
  it.each([
    [['--workload', '70b'], '--cluster'],
    [['--cluster', 'colossus-1', '--workload', '70b', '--policy', 'fastest'], '--policy'],
    [['--cluster', 'colossus-1', '--workload', '70b', '--steps', '0'], '--steps'],
    [['--cluster', 'colossus-1', '--workload', '70b', '--jitter', '2'], '--jitter'],
    [['--cluster', 'colossus-1', '--workload', '70b', '--bogus'], '--bogus'],
  ])('rejects %j naming %s (exit 2)', async (argv, field) => {
    const err = await simulateCommand.run(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).field).toBe(field);
  });

  it('--json prints one entry per requested policy and the decomposition', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    try {
      expect(
        await simulateCommand.run([
          '--cluster',
          'lab-a100-h100',
          '--workload',
          '8b',
          '--policy',
          'lockstep,minmax',
          '--steps',
          '20',
          '--json',
        ]),
      ).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const r = JSON.parse(out) as { policies: { policy: string }[]; decomposition: { total: number } };
    expect(r.policies.map((p) => p.policy)).toEqual(['lockstep', 'minmax']);
    expect(r.decomposition.total).toBeGreaterThan(0);
  });
});
