/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../../src/cluster/parse.js';
import { clusterPresets } from '../../src/cluster/presets.js';
import {
  launchChromium,
  type PageWindow,
  pageProblems,
  requireAdapter,
  type Served,
  serve,
} from '../helpers/browser.js';

let served: Served;
let browser: Browser;
let page: Page;
let problems: string[];
beforeAll(async () => {
  served = await serve();
  browser = await launchChromium();
  page = await browser.newPage();
  problems = pageProblems(page);
  await page.goto(served.url);
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('the page on Chromium WebGPU (SwiftShader here)', () => {
  it('opens a real adapter through navigator.gpu, with the identity a report records', async () => {
    const info = await requireAdapter(page);
    expect(info.vendor).not.toBe('');
    await page.waitForFunction(() => document.getElementById('adapter')?.textContent !== 'opening…');
    expect(await page.locator('#adapter').textContent()).toContain(info.vendor);
    expect(problems).toEqual([]);
  });

  // Odd shapes break tiling assumptions: 1x1x1, primes, k = 1, one past a tile, tall and wide.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [17, 31, 9],
    [65, 3, 129],
    [7, 13, 29],
    [64, 64, 1],
    [1, 300, 1],
    [129, 65, 33],
  ];
  it('odd-shape matmuls (naive and tiled kernels) match the f64 CPU reference inside the page', async () => {
    const checks = await page.evaluate((s) => (window as PageWindow).hetbench?.checkMatmul(s), shapes);
    expect(checks).toHaveLength(shapes.length * 2);
    for (const c of checks ?? []) {
      expect(c.length, `${c.m}x${c.n}x${c.k} ${c.kernel}`).toBe(c.m * c.n);
      expect(c.worstRatio, `${c.m}x${c.n}x${c.k} ${c.kernel}`).toBeLessThanOrEqual(1);
      expect(c.ok).toBe(true);
    }
    expect(new Set(checks?.map((c) => c.kernel))).toContain('naive');
    expect(checks?.some((c) => c.kernel !== 'naive')).toBe(true);
    expect(problems).toEqual([]);
  });

  it("a pasted bad cluster spec fails with Node's exact message (the same schema, compiled ahead of time)", async () => {
    const preset = clusterPresets[0];
    if (preset === undefined) throw new Error('no cluster preset');
    const bad = { ...preset, groups: [{ ...preset.groups[0], count: 0 }] };
    let expected = '';
    try {
      parseClusterSpec(bad, 'cluster');
    } catch (err) {
      expected = (err as Error).message;
    }
    expect(expected).toMatch(/\$\.groups\[0\]\.count/);
    await page.selectOption('#cluster', '(paste JSON)');
    await page.fill('#cluster-json', JSON.stringify(bad));
    await page.click('#start');
    await page.locator('#error').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).toBe(expected);
    expect(await page.evaluate(() => (window as PageWindow).hetbenchError)).toBe(expected);
    // The one console error is the page reporting it; nothing was thrown uncaught.
    expect(problems).toEqual([`console.error: hetbench: ${expected}`]);
    problems.length = 0;
  });

  it("tunes into the page's localStorage, keyed by the browser, and a reload reuses the choice", async () => {
    const other = await browser.newPage();
    const seen = pageProblems(other);
    await other.goto(served.url);
    await other.evaluate(() => localStorage.removeItem('hetbench-tune-cache'));
    // 512^3 is above the size the selector tunes (the page's run GEMMs are below it).
    const shape = { m: 512, n: 512, k: 512 };
    const tune = (p: Page) => p.evaluate((s) => (window as PageWindow).hetbench?.tune(s, 3), shape);
    const first = await tune(other);
    expect(first?.fromCache).toBe(false);
    const stored = await other.evaluate(() => localStorage.getItem('hetbench-tune-cache'));
    const keys = Object.keys((JSON.parse(stored ?? '{}') as { entries?: object }).entries ?? {});
    expect(keys).toHaveLength(1);
    // The browser's product token is part of the key: an update of the browser tunes again.
    expect(keys[0]).toMatch(/webgpu@browser (HeadlessChrome|Chrome)\/\d+/);
    await other.reload();
    const again = await tune(other);
    expect(again).toEqual({ ...first, fromCache: true });
    expect(seen).toEqual([]);
    await other.close();
  });

  it('a bad query parameter is a clear error naming it, and no run starts', async () => {
    const other = await browser.newPage();
    const seen = pageProblems(other);
    await other.goto(`${served.url}?run=quick&steps=0`);
    await other.locator('#error').waitFor({ state: 'visible' });
    expect(await other.locator('#error').textContent()).toMatch(/\?steps=.*0.*whole number from 1/);
    expect(await other.evaluate(() => (window as PageWindow).hetbenchReport)).toBeUndefined();
    expect(seen).toHaveLength(1);
    await other.close();
  });
});

describe('without a WebGPU adapter', () => {
  it('the page says so as an error (never a silent skip), and the test helper fails', async () => {
    const plain = await launchChromium(false);
    try {
      const other = await plain.newPage();
      const seen = pageProblems(other);
      await other.goto(`${served.url}?run=quick`);
      await other.locator('#error').waitFor({ state: 'visible' });
      const text = await other.locator('#error').textContent();
      expect(text).toMatch(/no WebGPU adapter found|navigator\.gpu is undefined/);
      expect(text).toMatch(/--enable-unsafe-webgpu/);
      expect(seen.join('\n')).toMatch(/WebGPU/);
      await expect(requireAdapter(other)).rejects.toThrow(/no WebGPU adapter in Chromium/);
      expect(await other.evaluate(() => (window as PageWindow).hetbenchReport)).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
