import { describe, expect, it } from 'vitest';
import type { PolicyName } from '../src/policy/policy.js';
import { renderHtml } from '../src/report/html.js';
import { parseReport } from '../src/report/load.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { Report } from '../src/report/schema.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

// The page must work offline and from a CI artifact: nothing fetched, nothing executed.
describe('renderHtml', () => {
  it.each<[string, Report]>([
    ['run', makeRunReport()],
    ['bench', makeBenchReport()],
  ])('a %s report is one self-contained, script-free page', (_kind, report) => {
    const html = renderHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|@import|@font-face|url\(|<iframe|<img/i);
    // The only URL allowed is the SVG namespace identifier, which is never fetched.
    const urls = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('has the four pictures of a run, each with an accessible title and description', () => {
    const html = renderHtml(makeRunReport());
    const svgs = html.match(/<svg[^>]*>[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) {
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(/<title id="[^"]+">[^<]+<\/title>/);
      expect(svg).toMatch(/<desc id="[^"]+">[^<]+<\/desc>/);
    }
    for (const t of [
      'One training step per policy',
      'Utilization per GPU generation',
      "Adaptive policy&#39;s convergence|Adaptive policy's convergence",
      'Loss decomposition',
    ]) {
      expect(html).toMatch(new RegExp(t));
    }
  });

  it('escapes text from the report (a policy name cannot inject markup)', () => {
    const r = makeRunReport({ steps: 4 });
    // A crafted file can hold any text where a policy name belongs.
    const script = '<script>alert(1)</script>' as PolicyName;
    const evil = {
      ...r,
      policies: r.policies.map((p, i) => (i === 0 ? { ...p, policy: script } : p)),
    };
    const html = renderHtml(evil);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });

  it('omits the convergence and decomposition pictures when the run has neither', () => {
    const html = renderHtml({ ...makeRunReport({ steps: 4 }), adaptiveTrace: null, decomposition: null });
    expect(html.match(/<svg/g)).toHaveLength(2);
  });
});

describe('a hybrid-parallel run report', () => {
  // Lockstep's 3D split: nine parts that add up to the total (sim/decompose-hybrid.ts).
  const parts = {
    generationMix: 0.2,
    pipelineBubble: 0.3,
    tpCommunication: 0.05,
    ppCommunication: 0.01,
    dpSync: 0.02,
    jitter: 0.04,
    memoryLimits: 0.03,
    batchGranularity: 0,
    unusedGpus: 0.01,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  const steps = { A: 10, B: 9.6, C: 9.4, D: 9.3, E: 8.8, F: 8.5, G: 5.5, H: 5.5, I: 3.5, ideal: 10 * (1 - total) };
  const report = { ...makeRunReport({ steps: 4 }), hybridDecomposition: { total, ...parts, steps } };

  it('is a valid report (the schema has the field)', () => {
    expect(() => parseReport(JSON.parse(JSON.stringify(report)), 'hybrid.json')).not.toThrow();
  });

  it('shows the 3D split in the HTML picture and the Markdown line, not the DP-only one', () => {
    const html = renderHtml(report);
    expect(html).toMatch(/Lost: 66\.0% of the step/);
    expect(html).toMatch(/pipeline bubble: 30\.0% of the step/);
    expect(html).toContain('against the ideal step');
    expect(html).not.toMatch(/memory caps:/);
    const md = renderMarkdown(report);
    expect(md).toMatch(/Lockstep loss \(model\): 66\.0% of the step against the ideal 3\.4 s .*pipeline bubble 30\.0%/);
    expect(md).not.toMatch(/Lockstep loss [\d.]+% of GPU-time/);
  });
});
