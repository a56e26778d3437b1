import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';
import { hetbenchAsync } from '../helpers/spawn-cli.js';

/**
 * Interruptions (issue 12, class 8): the first SIGINT or SIGTERM lets the GPU pass in flight
 * finish, then every output is written marked partial with the reason, and the exit code is
 * 128 + the signal's number; a second signal ends the process at once. The run asks for far more
 * steps than it gets to, so an unhandled signal (the process killed, no file) cannot pass.
 * The GPU-failure path (exit 3, finished steps kept) is tested in cli-run.test.ts.
 */
const RUN = [
  'run',
  '--quick',
  '--cluster',
  'lab-a100-h100',
  '--workload',
  '8b',
  '--policy',
  'lockstep,minmax',
  '--steps',
  '400',
];
const FIRST_STEP = /^step 1\/400, 2 policies interleaved/;
const tempFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('the first %s during hetbench run', (signal, exitCode) => {
  it(`finishes the pass, writes every output marked partial with the reason, and exits ${exitCode}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hetbench-interrupt-'));
    const json = join(dir, 'out.json');
    const md = join(dir, 'out.md');
    const run = hetbenchAsync([...RUN, '--json', json, '--md', md]);
    expect(await run.line(FIRST_STEP)).not.toBe('');
    const sent = Date.now();
    run.child.kill(signal);
    const { code, signal: killedBy, stderr } = await run.exited;
    expect(killedBy).toBeNull();
    expect(code).toBe(exitCode);
    expect(Date.now() - sent).toBeLessThan(20_000);
    expect(stderr).toMatch(new RegExp(`${signal}: finishing the current GPU pass`));
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.status).toBe('partial');
    expect(report.failure).toMatch(new RegExp(`interrupted by ${signal}`));
    const steps = report.policies.reduce((n, p) => n + p.steps.length, 0);
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThan(2 * 400);
    expect(readFileSync(md, 'utf8')).toMatch(new RegExp(`Partial run.*interrupted by ${signal}`));
    expect(tempFiles(dir)).toEqual([]);
  }, 120_000);
});

describe('a second signal', () => {
  it('ends the run at once, with 130, leaving no temp file and no half-written output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hetbench-interrupt-twice-'));
    const json = join(dir, 'out.json');
    const run = hetbenchAsync([...RUN, '--json', json]);
    expect(await run.line(FIRST_STEP)).not.toBe('');
    run.child.kill('SIGINT');
    expect(await run.line(/SIGINT: finishing/)).not.toBe('');
    const second = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(Date.now() - second).toBeLessThan(5_000);
    expect(tempFiles(dir)).toEqual([]);
    // Either the partial report was already whole on disk, or nothing was written.
    if (existsSync(json)) expect((JSON.parse(readFileSync(json, 'utf8')) as RunReport).status).toBe('partial');
  }, 120_000);
});
