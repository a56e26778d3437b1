import { describe, expect, it } from 'vitest';
import { compareReports } from '../src/report/compare.js';
import { renderComparisonMarkdown, renderMarkdown } from '../src/report/markdown.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

const tableRows = (md: string): string[] => md.split('\n').filter((l) => l.startsWith('|'));

describe('Markdown summaries', () => {
  it('a run report lists every policy with measured and modelled step', () => {
    const report = makeRunReport();
    const md = renderMarkdown(report);
    expect(md).toMatch(/^## hetbench run report/);
    for (const p of report.policies) expect(md).toMatch(new RegExp(`^\\| ${p.policy} \\|`, 'm'));
    const rows = tableRows(md);
    // header + rule + one row per policy, every row with the same column count
    expect(rows).toHaveLength(2 + report.policies.length);
    expect(new Set(rows.map((r) => r.split(' | ').length)).size).toBe(1);
    expect(md).toMatch(/generation mix/);
  });

  it('a bench report lists kernels and the roofline', () => {
    const md = renderMarkdown(makeBenchReport());
    expect(md).toMatch(/Roofline: FMA f32/);
    expect(tableRows(md)).toHaveLength(2 + 9);
  });

  it.each([
    { slowdown: 0.1, headline: /\*\*\d+ regressions?\*\*/ },
    { slowdown: 0, headline: /^no regressions/m },
  ])('a comparison with slowdown $slowdown leads with its verdict', ({ slowdown, headline }) => {
    const cmp = compareReports(makeRunReport({ seed: 1 }), makeRunReport({ seed: 2, slowdown }));
    const md = renderComparisonMarkdown(cmp, { base: 'main.json', head: 'pr.json' });
    expect(md).toMatch(/main\.json → pr\.json/);
    expect(md).toMatch(headline);
  });
});
