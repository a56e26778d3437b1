import { describe, expect, it } from 'vitest';
import { exportCommand } from '../src/cli/export.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

/**
 * Bencher's published BMF JSON Schema (draft-07): an object whose values are objects whose
 * values are objects with a required number `value` and optional numbers `lower_value` and
 * `upper_value`; every key matches ".+". Checked by hand (no JSON-schema dependency), plus
 * Bencher's documented name limits (measure <= 64, benchmark <= 1024 characters).
 */
function validateBmf(data: unknown): string[] {
  const errors: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(data)) return ['root is not an object'];
  for (const [bench, measures] of Object.entries(data)) {
    if (bench.length === 0 || bench.length > 1024) errors.push(`benchmark name length ${bench.length}`);
    if (!isObj(measures)) {
      errors.push(`${bench} is not an object`);
      continue;
    }
    for (const [measure, metric] of Object.entries(measures)) {
      if (measure.length === 0 || measure.length > 64) errors.push(`${bench}/${measure}: measure name length`);
      if (!isObj(metric)) {
        errors.push(`${bench}/${measure} is not an object`);
        continue;
      }
      if (typeof metric['value'] !== 'number') errors.push(`${bench}/${measure}.value missing`);
      for (const k of ['lower_value', 'upper_value'])
        if (k in metric && typeof metric[k] !== 'number') errors.push(`${bench}/${measure}.${k} not a number`);
      const extra = Object.keys(metric).filter((k) => !['value', 'lower_value', 'upper_value'].includes(k));
      if (extra.length > 0) errors.push(`${bench}/${measure} has extra keys ${extra.join(',')}`);
    }
  }
  return errors;
}

describe('hetbench export --format bmf', () => {
  it.each([
    ['run', makeRunReport({ steps: 10 })],
    ['bench', makeBenchReport()],
  ])('a %s report validates against the BMF schema and keeps every metric', async (_kind, report) => {
    const f = writeJsonFiles({ 'r.json': report });
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'bmf']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as Record<
      string,
      Record<string, { value: number; lower_value?: number; upper_value?: number }>
    >;
    expect(validateBmf(data)).toEqual([]);
    const count = Object.values(data).reduce((a, m) => a + Object.keys(m).length, 0);
    expect(count).toBe(report.metrics.length);
    for (const measures of Object.values(data)) {
      for (const v of Object.values(measures)) {
        if (v.lower_value !== undefined) expect(v.lower_value).toBeLessThanOrEqual(v.value);
        if (v.upper_value !== undefined) expect(v.upper_value).toBeGreaterThanOrEqual(v.value);
      }
    }
  });

  it('maps run.lockstep.stepTime to benchmark run.lockstep, measure stepTime, with bounds', async () => {
    const report = makeRunReport({ steps: 10 });
    const f = writeJsonFiles({ 'r.json': report });
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'bmf']);
    const data = JSON.parse(r.stdout) as Record<
      string,
      Record<string, { value: number; lower_value?: number; upper_value?: number }>
    >;
    const m = data['run.lockstep']?.['stepTime'];
    expect(m?.value).toBe(report.metrics.find((x) => x.name === 'run.lockstep.stepTime')?.value);
    expect(m?.lower_value).toBeLessThan(m!.upper_value!);
  });

  it('the validator rejects a malformed document (the check can fail)', () => {
    expect(validateBmf({ b: { m: { value: '1' } } })).not.toEqual([]);
    expect(validateBmf([{ name: 'x', value: 1 }])).not.toEqual([]);
  });
});
