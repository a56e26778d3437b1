import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Quality } from '../../src/report/schema.js';
import { makeRunReport } from '../fixtures/reports.js';
import { hetbench } from '../helpers/spawn-cli.js';

/*
 * Issue 14, "a quality verdict": a run report marked unreliable by its own run cannot support a
 * regression call, so `compare` says the comparison is inconclusive and exits 0; --insist gives
 * the verdicts as before. The head run regresses minmax by 30%, so a real verdict is exit 1.
 */
const UNRELIABLE: Quality = { verdict: 'unreliable', reasons: ['local noise 31.0% CV (above 25%)'] };

describe('compare with a report marked unreliable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-quality-'));
  const base = join(dir, 'base.json');
  const head = join(dir, 'head.json');
  const noisyHead = join(dir, 'noisy-head.json');
  const regressed = makeRunReport({ seed: 2, policySlowdown: { policy: 'minmax', by: 0.3 } });
  writeFileSync(base, JSON.stringify(makeRunReport({ seed: 1 })));
  writeFileSync(head, JSON.stringify({ ...regressed, quality: UNRELIABLE }));
  writeFileSync(
    noisyHead,
    JSON.stringify({ ...regressed, quality: { verdict: 'noisy', reasons: ['local noise 12.6% CV (above 8%)'] } }),
  );

  it('is inconclusive: a warning naming the report and its reason, the table, exit 0', () => {
    const r = hetbench(['compare', base, head]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/inconclusive: marked unreliable by its run: head\.json \(local noise 31\.0% CV/);
    expect(r.stdout).toMatch(/--insist/);
    expect(r.stdout).toMatch(/run\.minmax\.stepTime\s.*regression/);
    const md = hetbench(['compare', base, head, '--format', 'md']);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/> \*\*Inconclusive\*\*: marked unreliable by its run: head\.json/);
    const json = hetbench(['compare', base, head, '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).inconclusive).toMatch(/head\.json/);
  });

  it('with --insist gives the verdicts as before: the regression is exit 1', () => {
    const r = hetbench(['compare', base, head, '--insist']);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).not.toMatch(/inconclusive/);
    expect(r.stdout).toMatch(/1 regression|\d+ regressions/);
  });

  it('a report marked only noisy still gets verdicts: exit 1', () => {
    const r = hetbench(['compare', base, noisyHead]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).not.toMatch(/inconclusive/);
  });
});
