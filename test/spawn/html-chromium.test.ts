import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import type { Report } from '../../src/report/schema.js';
import { screenshot } from '../fixtures/chromium.js';
import { makeBenchReport, makeRunReport } from '../fixtures/reports.js';

// Screenshots land in out/ (gitignored) so CI can upload them as artifacts.
const OUT = resolve('out/html');

describe('HTML report in headless Chromium', () => {
  it.each<[string, () => Report]>([
    ['run-report', () => makeRunReport({ seed: 3 })],
    [
      'run-report-partial',
      () => ({
        ...makeRunReport({ seed: 4, steps: 6 }),
        status: 'partial',
        failure: 'device lost during islands',
        adaptiveTrace: null,
        decomposition: null,
      }),
    ],
    ['bench-report', () => makeBenchReport({ seed: 5 })],
  ])('%s loads without console errors and is screenshot', (name, make) => {
    mkdirSync(OUT, { recursive: true });
    const html = join(OUT, `${name}.html`);
    const png = join(OUT, `${name}.png`);
    writeFileSync(html, renderHtml(make()));
    const load = screenshot(html, png);
    expect(load.status, load.stderr.slice(-2000)).toBe(0);
    expect(load.consoleMessages).toEqual([]);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // A blank page compresses to a few KB; charts and tables make it far larger.
    expect(statSync(png).size).toBeGreaterThan(30_000);
  });

  it('reports a console error when a page reaches for the network (the check can fail)', () => {
    mkdirSync(OUT, { recursive: true });
    const html = join(OUT, 'negative-control.html');
    const page = renderHtml(makeRunReport({ seed: 3, steps: 4 })).replace(
      '</main>',
      '<img src="http://example.invalid/x.png" alt="outside"></main>',
    );
    writeFileSync(html, page);
    const load = screenshot(html, join(OUT, 'negative-control.png'), '640,480');
    expect(load.consoleMessages.length).toBeGreaterThan(0);
    expect(load.consoleMessages.join('\n')).toMatch(/Content Security Policy/);
  });
});
