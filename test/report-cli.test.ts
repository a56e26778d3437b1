import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../src/cli/report.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

describe('hetbench report', () => {
  it.each([
    ['run', makeRunReport({ steps: 6 })],
    ['bench', makeBenchReport()],
  ])('--html and --md write a %s report’s page and summary, and append the step summary', async (_kind, report) => {
    const f = writeJsonFiles({ 'r.json': report });
    const html = join(f.dir, 'sub', 'report.html');
    const md = join(f.dir, 'report.md');
    const summary = join(f.dir, 'step-summary.md');
    writeFileSync(summary, 'before\n');
    const r = await runCli(reportCommand, [f['r.json']!, '--html', html, '--md', md], { stepSummary: summary });
    expect(r.code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    const mdText = readFileSync(md, 'utf8');
    expect(mdText).toMatch(/^## hetbench/);
    expect(readFileSync(summary, 'utf8')).toBe(`before\n${mdText}`);
    expect(r.stdout).toBe('');
  });

  it('with no option prints the Markdown summary', async () => {
    const f = writeJsonFiles({ 'r.json': makeRunReport({ steps: 4 }) });
    const r = await runCli(reportCommand, [f['r.json']!]);
    expect(r.stdout).toMatch(/^## hetbench run report/);
  });

  it('a foreign file fails with exit 2 and writes nothing', async () => {
    const f = writeJsonFiles({ 'x.json': { hello: 'world' } });
    const html = join(f.dir, 'x.html');
    const r = await runCli(reportCommand, [f['x.json']!, '--html', html]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/x\.json: \$\.tool\.name/);
    expect(existsSync(html)).toBe(false);
  });
});
