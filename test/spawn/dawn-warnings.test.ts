import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAWN_NOISE } from '../../src/cli/stderr-filter.js';
import { hetbench } from '../helpers/spawn-cli.js';

// Dawn writes two "artificially reduced" limit warnings to fd 2 whenever a device opens on
// lavapipe; the CLI filters them out of the terminal and records them in the report instead.
describe("Dawn's native warnings", () => {
  it('never reach the terminal of a GPU command', () => {
    const r = hetbench(['doctor']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/adapter/);
    expect(r.stderr).not.toMatch(/artificially reduced/);
  });

  it('doctor --quiet prints nothing at all', () => {
    const r = hetbench(['doctor', '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });

  it("are recorded in a run report's environment, and other stderr lines pass through", () => {
    const out = join(mkdtempSync(join(tmpdir(), 'hetbench-dawn-')), 'r.json');
    const r = hetbench(['run', '--quick', '--target-ci', 'off', '--policy', 'lockstep', '--json', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/artificially reduced/);
    expect(r.stderr).toMatch(/wrote --json|step 1\//);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { environment: { dawnWarnings?: string[] } };
    const warnings = report.environment.dawnWarnings ?? [];
    // lavapipe reports 1,000,000 for both limits, which Dawn reduces to 16: both lines, once each.
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(DAWN_NOISE);
  });

  it('a bad flag of a GPU command still exits 2 with its message', () => {
    const r = hetbench(['matmul', '--m', 'zero']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--m/);
  });
});
