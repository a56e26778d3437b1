/// <reference lib="dom" />
/**
 * The browser tests' fixtures (test/browser/): `hetbench serve` started as a user starts it, and
 * Debian's Chromium driven by playwright-core (no browser download: scripts/setup.sh installs
 * chromium from Debian). WebGPU needs --enable-unsafe-webgpu on Linux (without it Chromium 156
 * gives no adapter; checked: with it, SwiftShader, vendor "google", with timestamp-query).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags that give headless Chromium a WebGPU adapter here (SwiftShader without a GPU). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'] as const;

export async function launchChromium(webgpu = true): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run 'npm run setup' as root (it installs Debian's chromium), or set CHROMIUM`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...(webgpu ? WEBGPU_FLAGS : []), '--no-sandbox', '--headless=new', '--disable-background-networking'],
  });
}

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly child: ChildProcess;
  stop(): Promise<number | null>;
}

/** `hetbench serve --port 0 --json` from dist/ (built by the project's global setup). */
export async function serve(extra: readonly string[] = []): Promise<Served> {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', '--port', '0', '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    void exited.then((code) => reject(new Error(`hetbench serve exited ${code} before listening: ${stderr}`)));
  });
  const { url, port, host } = JSON.parse(line) as { url: string; port: number; host: string };
  return {
    url,
    port,
    host,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** What the page puts on window for scripts (src/web/main.ts). */
export type PageWindow = Window & {
  hetbenchReport?: unknown;
  hetbenchError?: string;
  hetbench?: {
    checkMatmul(
      shapes: readonly (readonly [number, number, number])[],
    ): Promise<{ m: number; n: number; k: number; kernel: string; ok: boolean; worstRatio: number; length: number }[]>;
    adapter(): Promise<{ vendor: string; architecture: string }>;
    tune(
      shape: { m: number; n: number; k: number },
      budgetS: number,
    ): Promise<{ kernel: string; shapeClass: string; fromCache: boolean }>;
  };
};

/** What went wrong in a page: uncaught exceptions and console errors, collected from the start. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  return problems;
}

/**
 * The page's adapter, or a failure saying there is none: a browser test never passes, and
 * never skips, without a real WebGPU device.
 */
export async function requireAdapter(page: Page): Promise<{ vendor: string; architecture: string }> {
  const info = await page.evaluate(async () => {
    try {
      return { ok: true as const, info: await (window as PageWindow).hetbench?.adapter() };
    } catch (err) {
      return { ok: false as const, message: err instanceof Error ? err.message : String(err) };
    }
  });
  if (!info.ok || info.info === undefined)
    throw new Error(
      `no WebGPU adapter in Chromium (${CHROMIUM} ${WEBGPU_FLAGS.join(' ')}): ${info.ok ? 'no API' : info.message}`,
    );
  return info.info;
}
