import { describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/compare.js';
import { SpecError, UsageError } from '../src/errors.js';
import { compareReports } from '../src/report/compare.js';
import { hardwareTable } from '../src/report/hardware.js';
import { renderHtml } from '../src/report/html.js';
import { parseReport } from '../src/report/load.js';
import { renderComparisonMarkdown, renderHardwareMarkdown, renderMarkdown } from '../src/report/markdown.js';
import { markdownText } from '../src/report/markdown-escape.js';
import type { Report } from '../src/report/schema.js';
import { esc } from '../src/report/svg.js';
import type { PathKey } from '../src/spec/validate.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

/*
 * Class 5 of issue 12, crafted reports: whatever string a report carries, in any field, the
 * HTML and Markdown renderers write it as text, never as markup (one escape per format:
 * esc for HTML, markdownText for Markdown). Class 6, the compare half: samples compare cannot
 * use, and runs of different jobs, are bad input (exit 2).
 */

const PAYLOAD = '<img src=x onerror=alert(1)>|`x`&amp;\n| injected | row |';

/** Every location of a string in a JSON value. */
function stringLocations(value: unknown, at: PathKey[] = []): PathKey[][] {
  if (typeof value === 'string') return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLocations(v, [...at, i]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => stringLocations(v, [...at, k]));
}

function withString(report: Report, at: readonly PathKey[], text: string): unknown {
  const copy = JSON.parse(JSON.stringify(report)) as Record<PathKey, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<PathKey, unknown>;
  parent[at.at(-1) as PathKey] = text;
  return copy;
}

/** Markdown that renders PAYLOAD as markup: a raw tag, or a line that starts a new table row. */
function markdownInjected(md: string): boolean {
  // A code span shows its content literally (GitHub renders no tag inside one): set them aside.
  const outsideCode = md.replace(/\\`/g, '').replace(/`[^`\n]*`/g, '');
  return outsideCode.includes('<img') || md.split('\n').some((line) => line.startsWith('| injected'));
}

describe('every string a report carries is text in HTML and Markdown, never markup', () => {
  const partial = { ...makeRunReport({ steps: 4 }), status: 'partial', failure: 'x' } as Report;
  for (const [kind, report] of [
    ['run', partial],
    ['bench', makeBenchReport({ steps: 4 })],
  ] as const) {
    it(`${kind} report: each string field in turn set to markup`, () => {
      let rendered = 0;
      for (const at of stringLocations(report)) {
        let parsed: Report;
        try {
          parsed = parseReport(withString(report, at, PAYLOAD), 'r.json');
        } catch (err) {
          expect(err, at.join('.')).toBeInstanceOf(SpecError); // an enum, a const: refused, which is fine
          continue;
        }
        rendered++;
        expect(renderHtml(parsed), at.join('.')).not.toMatch(/<img|onerror=alert\(1\)>/);
        expect(markdownInjected(renderMarkdown(parsed)), at.join('.')).toBe(false);
        const other = report.kind === 'run' ? makeRunReport({ steps: 4 }) : makeBenchReport({ steps: 4 });
        expect(
          markdownInjected(renderComparisonMarkdown(compareReports(other, parsed), { base: 'a', head: 'b' })),
        ).toBe(false);
        const hw = hardwareTable([
          { label: PAYLOAD, report: other },
          { label: 'b', report: parsed },
        ]);
        expect(markdownInjected(renderHardwareMarkdown(hw, PAYLOAD)), at.join('.')).toBe(false);
      }
      expect(rendered).toBeGreaterThan(10);
    });
  }

  it('the two escapes: HTML escapes both quotes; Markdown escapes pipes, backticks, <, >, & and newlines', () => {
    expect(esc(`<a href='x' title="y">&</a>`)).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&lt;/a&gt;');
    expect(markdownText('a|b`c`<d>&e\nf\\g')).toBe('a\\|b\\`c\\`&lt;d&gt;&amp;e f\\\\g');
  });
});

describe('compare rejects samples it cannot use, as bad input naming the sample', () => {
  const run = makeRunReport({ steps: 6 });
  const i = run.metrics.findIndex((m) => m.unit === 's');
  const withSample = (x: number | string): string =>
    JSON.stringify({
      ...run,
      metrics: run.metrics.map((m, j) => (j === i ? { ...m, samples: [...m.samples.slice(1), 'X'] } : m)),
    }).replace('"X"', String(x));
  it.each([
    ['negative', -1],
    ['zero', 0],
    ['absurd', 1e308],
    ['Infinity (1e999 in the JSON)', '1e999'],
  ])('%s step time', async (_name, x) => {
    const f = writeJsonFiles({ 'base.json': run, 'head.json': withSample(x) });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!]);
    expect(r.code).toBe(2);
    expect(r.error).toBeInstanceOf(SpecError);
    expect((r.error as SpecError).field).toBe(`${f['head.json']}: $.metrics[${i}].samples[5]`);
    // Infinity is no JSON number: the schema refuses it before compare's own check does.
    expect(String(r.error)).toMatch(/must be a (positive )?finite number/);
    expect(String(r.error)).not.toMatch(/got null/);
    expect(r.stdout).not.toMatch(/regression/);
  });

  it('a fraction may be zero but not outside -10..10', async () => {
    const j = run.metrics.findIndex((m) => m.unit === 'fraction');
    const zero = {
      ...run,
      metrics: run.metrics.map((m, k) => (k === j ? { ...m, samples: m.samples.map(() => 0) } : m)),
    };
    const big = { ...run, metrics: run.metrics.map((m, k) => (k === j ? { ...m, value: 30 } : m)) };
    const f = writeJsonFiles({ 'base.json': run, 'zero.json': zero, 'big.json': big });
    expect((await runCli(compareCommand, [f['base.json']!, f['zero.json']!])).code).not.toBe(2);
    const r = await runCli(compareCommand, [f['base.json']!, f['big.json']!]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/\$\.metrics\[\d+\]\.value: got 30; must be a finite fraction from -10 to 10/);
  });
});

describe('compare of runs of different clusters or workloads says so and refuses unless --allow-different', () => {
  const base = makeRunReport({ steps: 6 });
  const head = makeRunReport({ steps: 6, seed: 2 });
  it.each([
    ['cluster', { ...head, inputs: { ...head.inputs, cluster: { preset: 'lab-a100-h100' } } }],
    ['workload', { ...head, inputs: { ...head.inputs, workload: { name: 'tiny', layers: 2 } } }],
  ])('different %s', async (what, other) => {
    const f = writeJsonFiles({ 'base.json': base, 'head.json': other, 'same.json': head });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!]);
    expect(r.code).toBe(2);
    expect(r.error).toBeInstanceOf(UsageError);
    expect((r.error as UsageError).field).toBe('--allow-different');
    expect(String(r.error)).toMatch(
      new RegExp(`DIFFERENT ${what.toUpperCase()}S: base\\.json ran ${what} .* head\\.json`),
    );
    const allowed = await runCli(compareCommand, [f['base.json']!, f['head.json']!, '--allow-different']);
    expect([0, 1]).toContain(allowed.code);
    expect(allowed.stdout).toMatch(/regression/);
    // The same job with its keys in another order is the same job.
    const same = await runCli(compareCommand, [f['base.json']!, f['same.json']!]);
    expect([0, 1]).toContain(same.code);
  });
});
