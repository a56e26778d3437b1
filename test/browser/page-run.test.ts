/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../src/report/load.js';
import type { RunReport } from '../../src/report/schema.js';
import {
  launchChromium,
  type PageWindow,
  pageProblems,
  requireAdapter,
  type Served,
  serve,
} from '../helpers/browser.js';

/**
 * A quick run in the page to completion, as `?run=quick` starts it, kept small (two policies,
 * two steps, a two-generation cluster, the static kernels) so the folder stays well under a
 * minute and a half on 2 cores; the same settings run in Node for the comparison.
 */
const RUN = { cluster: 'lab-a100-h100', workload: '8b', policy: 'lockstep,proportional-spec', steps: '2' } as const;
const SCREENSHOT = 'out/browser-run.png';

/** The built CLI, asynchronously (the Node run overlaps the page's). */
function hetbench(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', ...args], {
      env: { ...process.env, NO_COLOR: '1', HETBENCH_AUTOTUNE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let problems: string[];
let pageReport: RunReport;
let downloaded: string;
let nodeRun: Promise<{ code: number | null; stdout: string; stderr: string }>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hetbench-browser-'));
  served = await serve();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  problems = pageProblems(page);
  const query = new URLSearchParams({ run: 'quick', ...RUN, autotune: 'off' });
  await page.goto(`${served.url}?${query}`);
  await requireAdapter(page);
  nodeRun = hetbench([
    'run',
    '--quick',
    '--cluster',
    RUN.cluster,
    '--workload',
    RUN.workload,
    '--policy',
    RUN.policy,
    '--steps',
    RUN.steps,
    '--json',
    join(dir, 'node.json'),
  ]);
  await page.waitForFunction(
    () => (window as PageWindow).hetbenchReport !== undefined || (window as PageWindow).hetbenchError !== undefined,
    null,
    { timeout: 110_000, polling: 250 },
  );
  const error = await page.evaluate(() => (window as PageWindow).hetbenchError);
  if (error !== undefined) throw new Error(`the page's run failed: ${error}`);
  pageReport = (await page.evaluate(() => (window as PageWindow).hetbenchReport)) as RunReport;
  const download = page.waitForEvent('download');
  await page.click('#download');
  const file = join(dir, 'browser.json');
  await (await download).saveAs(file);
  downloaded = readFileSync(file, 'utf8');
}, 150_000);
afterAll(async () => {
  await browser?.close();
  await served?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('?run=quick in Chromium', () => {
  it('runs to completion with no page error and sets window.hetbenchReport', async () => {
    expect(problems).toEqual([]);
    expect(pageReport.kind).toBe('run');
    expect(pageReport.status).toBe('complete');
    expect(pageReport.policies.map((p) => p.policy)).toEqual(['lockstep', 'proportional-spec']);
    for (const p of pageReport.policies) {
      expect(p.steps).toHaveLength(Number(RUN.steps));
      expect(p.measured.stepS).toBeGreaterThan(0);
    }
    expect(pageReport.inputs).toMatchObject({ steps: 2, quick: true });
    expect(await page.locator('#progress').evaluate((e) => (e as HTMLProgressElement).value)).toBe(1);
  });

  it("names the browser, its version and the adapter in the report's environment", () => {
    const env = pageReport.environment;
    expect(env.browser?.name).toMatch(/Chrom/);
    expect(env.browser?.version).toMatch(/^\d+(\.\d+)*$/);
    expect(env.browser?.userAgent).toMatch(/Chrome\//);
    expect(env.webgpu).toBe(`${env.browser?.name} ${env.browser?.version}`);
    expect(env.adapter?.vendor).not.toBe('');
    expect(env.adapter?.backend).toBe('browser');
    expect(env.timing).toBe('gpu-timestamp');
  });

  it('shows the report the HTML export shows: policy table, SVG charts, environment with the browser', async () => {
    const report = page.locator('#report');
    expect(await report.locator('h2').allTextContents()).toEqual(
      expect.arrayContaining(['Policies', 'One step per policy', 'Utilization per generation', 'Environment']),
    );
    expect(await report.locator('svg').count()).toBeGreaterThanOrEqual(2);
    expect(await report.locator('table tbody tr').count()).toBe(2);
    expect(await report.locator('dl').textContent()).toContain(pageReport.environment.browser?.version ?? '?');
    mkdirSync('out', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  });

  it('the downloaded JSON is the report, and loads as a normal report (src/report/load.ts)', () => {
    expect(JSON.parse(downloaded)).toEqual(pageReport);
    const loaded = parseReport(JSON.parse(downloaded), 'browser.json');
    expect(loaded.environment.browser).toEqual(pageReport.environment.browser);
  });

  it('hetbench compare node.json browser.json: the hardware table across the two adapters', async () => {
    const node = await nodeRun;
    expect(node.code, node.stderr).toBe(0);
    const nodeReport = parseReport(JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')), 'node.json');
    expect(nodeReport.environment.browser).toBeUndefined();
    const json = await hetbench(['compare', join(dir, 'node.json'), join(dir, 'browser.json'), '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const table = JSON.parse(json.stdout) as {
      mode: string;
      rows: { label: string; adapter: string; straggler: { lockstepStepS: number } | null }[];
    };
    expect(table.mode).toBe('hardware');
    expect(table.rows).toHaveLength(2);
    const [nodeRow, browserRow] = table.rows;
    expect(nodeRow?.adapter).not.toBe(browserRow?.adapter);
    expect(browserRow?.adapter).toMatch(/\(browser, software\)/);
    expect(browserRow?.straggler?.lockstepStepS).toBeGreaterThan(0);
    const text = await hetbench(['compare', join(dir, 'node.json'), join(dir, 'browser.json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Different adapters/);
  });

  it('hetbench report renders the browser report, naming the browser', async () => {
    const html = join(dir, 'browser.html');
    const r = await hetbench(['report', join(dir, 'browser.json'), '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain(`<dt>browser</dt><dd>${pageReport.environment.browser?.name}`);
    writeFileSync(join(dir, 'done'), '');
  });
});
