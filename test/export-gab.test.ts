import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../src/cli/export.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

// github-action-benchmark's custom tools read a JSON array whose entries have a string name,
// a string unit, a numeric value and optional string range and extra; no other keys are read.
function assertGabShape(
  data: unknown,
): asserts data is { name: string; unit: string; value: number; range?: string; extra?: string }[] {
  expect(Array.isArray(data)).toBe(true);
  for (const e of data as Record<string, unknown>[]) {
    expect(Object.keys(e).every((k) => ['name', 'unit', 'value', 'range', 'extra'].includes(k))).toBe(true);
    expect(typeof e['name']).toBe('string');
    expect(typeof e['unit']).toBe('string');
    expect(typeof e['value']).toBe('number');
    expect(Number.isFinite(e['value'])).toBe(true);
    if ('range' in e) expect(e['range']).toMatch(/^± \d/);
    if ('extra' in e) expect(typeof e['extra']).toBe('string');
  }
}

describe('hetbench export --format gab', () => {
  it.each([
    {
      kind: 'run',
      report: makeRunReport({ steps: 8 }),
      smaller: /stepTime|stragglerLoss/,
      bigger: /tokensPerS|speedup/,
    },
    { kind: 'bench', report: makeBenchReport(), smaller: null, bigger: /gflops$/ },
  ])('--out-dir splits a $kind report by metric direction', async ({ report, smaller, bigger }) => {
    const f = writeJsonFiles({ 'r.json': report });
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'gab', '--out-dir', join(f.dir, 'gab')]);
    expect(r.code).toBe(0);
    const small = JSON.parse(readFileSync(join(f.dir, 'gab', 'gab-smaller.json'), 'utf8')) as unknown;
    const big = JSON.parse(readFileSync(join(f.dir, 'gab', 'gab-bigger.json'), 'utf8')) as unknown;
    assertGabShape(small);
    assertGabShape(big);
    const lower = new Set(report.metrics.filter((m) => m.better === 'lower').map((m) => m.name));
    expect(small.map((e) => e.name).sort()).toEqual([...lower].sort());
    expect(big.map((e) => e.name).sort()).toEqual(
      report.metrics
        .filter((m) => m.better === 'higher')
        .map((m) => m.name)
        .sort(),
    );
    for (const e of small) expect(e.name).toMatch(smaller ?? /^$/);
    for (const e of big) expect(e.name).toMatch(bigger);
  });

  it('--direction smaller prints one array to stdout, values equal to the report', async () => {
    const report = makeRunReport({ steps: 8 });
    const f = writeJsonFiles({ 'r.json': report });
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'gab', '--direction', 'smaller']);
    const data = JSON.parse(r.stdout) as unknown;
    assertGabShape(data);
    const step = data.find((e) => e.name === 'run.lockstep.stepTime');
    expect(step?.value).toBe(report.metrics.find((m) => m.name === 'run.lockstep.stepTime')?.value);
    expect(step?.unit).toBe('s');
    expect(step?.range).toBeDefined();
    // stragglerLoss has no samples: no range rather than a made-up one.
    expect(data.find((e) => e.name === 'run.lockstep.stragglerLoss')?.range).toBeUndefined();
  });

  it.each([
    { argv: ['--format', 'gab'], field: /--direction/ },
    { argv: ['--format', 'gab', '--direction', 'up'], field: /--direction/ },
    { argv: ['--format', 'csv'], field: /--format/ },
    { argv: [], field: /--format/ },
  ])('$argv -> exit 2 naming the flag', async ({ argv, field }) => {
    const f = writeJsonFiles({ 'r.json': makeRunReport({ steps: 4 }) });
    const r = await runCli(exportCommand, [f['r.json']!, ...argv]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(field);
  });
});
