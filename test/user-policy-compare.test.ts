import { describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/compare.js';
import type { PolicyModuleRecord, RunReport } from '../src/report/schema.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeRunReport } from './fixtures/reports.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

/** A fixture run report in which minmax's row is a user policy's, `capacity-greedy` from `sha256`. */
function withUserPolicy(report: RunReport, sha256: string): RunReport {
  const rename = (name: string): string => name.replace(/^run\.minmax\./, 'run.capacity-greedy.');
  const module: PolicyModuleRecord = {
    policy: 'capacity-greedy' as PolicyModuleRecord['policy'],
    module: './examples/policies/capacity-greedy.mjs',
    sha256,
  };
  return {
    ...report,
    inputs: {
      ...report.inputs,
      policies: report.inputs.policies.map((p) => (p === 'minmax' ? module.policy : p)),
      policyModules: [module],
    },
    policies: report.policies.map((p) => (p.policy === 'minmax' ? { ...p, policy: module.policy } : p)),
    metrics: report.metrics.map((m) => ({ ...m, name: rename(m.name) })),
  };
}

// The CI gate on a user policy: compare matches it by name like a built-in.
describe('compare gates a user policy', () => {
  it('the same code twice: unchanged, exit 0, no module note', async () => {
    const f = writeJsonFiles({
      'base.json': withUserPolicy(makeRunReport({ seed: 1 }), SHA_A),
      'head.json': withUserPolicy(makeRunReport({ seed: 2 }), SHA_A),
    });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^run\.capacity-greedy\.stepTime\s.*unchanged$/m);
    expect(r.stderr).toBe('');
  });

  it('its step time 20% slower: a regression naming it, exit 1, and the module change said', async () => {
    const f = writeJsonFiles({
      'base.json': withUserPolicy(makeRunReport({ seed: 1 }), SHA_A),
      'head.json': withUserPolicy(makeRunReport({ seed: 2, policySlowdown: { policy: 'minmax', by: 0.2 } }), SHA_B),
    });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^run\.capacity-greedy\.stepTime\s.*regression \(lower is better\)$/m);
    expect(r.stdout).toMatch(/^run\.lockstep\.stepTime\s.*unchanged$/m);
    expect(r.stderr).toBe(
      'hetbench: note: policy capacity-greedy ran different module versions: base ' +
        './examples/policies/capacity-greedy.mjs (sha256 aaaaaaaaaaaa), head ./examples/policies/capacity-greedy.mjs ' +
        '(sha256 bbbbbbbbbbbb)\n',
    );
  });
});
