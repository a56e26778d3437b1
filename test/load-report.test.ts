import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { loadReport } from '../src/report/load.js';
import { writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

const run = makeRunReport({ steps: 4 });

describe('loadReport', () => {
  it.each([
    { name: 'truncated JSON', content: JSON.stringify(run).slice(0, 200), field: /\$/ },
    { name: 'someone else’s JSON', content: { name: 'x', value: 1 }, field: /\$\.tool\.name/ },
    { name: 'a newer schema', content: { ...run, schemaVersion: 2 }, field: /\$\.schemaVersion/ },
    { name: 'an unknown kind', content: { ...run, kind: 'trace' }, field: /\$\.kind/ },
    {
      name: 'a bad metric direction',
      content: { ...run, metrics: [run.metrics[0], { ...run.metrics[1], better: 'up' }] },
      field: /\$\.metrics\[1\]\.better/,
    },
    {
      name: 'a string sample',
      content: { ...run, metrics: [{ ...run.metrics[0], samples: [1, '2'] }] },
      field: /\$\.metrics\[0\]\.samples\[1\]/,
    },
    {
      name: 'a policy without steps',
      content: { ...run, policies: [{ ...run.policies[0], steps: null }] },
      field: /\$\.policies\[0\]\.steps/,
    },
    {
      name: 'a bench kernel without gflops',
      content: { ...makeBenchReport(), kernels: [{ kernel: 'k', m: 1, n: 1, k: 1 }] },
      field: /\$\.kernels\[0\]\.gflops/,
    },
  ])('rejects $name with a UsageError naming the file and field', ({ content, field }) => {
    const f = writeJsonFiles({ 'bad.json': content });
    let caught: unknown;
    try {
      loadReport(f['bad.json']!);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    const err = caught as UsageError;
    expect(err.field).toContain(f['bad.json']);
    expect(err.field).toMatch(field);
    expect(err.exitCode).toBe(2);
  });

  it('names a missing file', () => {
    expect(() => loadReport('/nonexistent/report.json')).toThrow(/\/nonexistent\/report\.json.*ENOENT/);
  });

  it.each([
    ['run', makeRunReport()],
    ['bench', makeBenchReport()],
  ])('accepts a valid %s report unchanged', (_kind, report) => {
    const f = writeJsonFiles({ 'ok.json': report });
    expect(loadReport(f['ok.json']!)).toEqual(report);
  });
});
