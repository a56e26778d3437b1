import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, resolveRequest } from '../../src/cli/serve.js';
import { CSP } from '../../src/report/html.js';
import { WEB_CSP } from '../../src/web/csp.js';
import { type Served, serve } from '../helpers/browser.js';

/** One raw HTTP request: the path goes on the wire as written (fetch would normalise '..'). */
function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let served: Served;
beforeAll(async () => {
  served = await serve();
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

describe('hetbench serve', () => {
  it('binds 127.0.0.1 by default, and port 0 prints the port it got', async () => {
    expect(served.host).toBe('127.0.0.1');
    expect(served.port).toBeGreaterThan(0);
    expect(served.url).toBe(`http://127.0.0.1:${served.port}/`);
  });

  it('serves the built page with its content types and the strict CSP on every answer', async () => {
    const cases = [
      ['/', 'text/html; charset=utf-8', 'dist/web/index.html'],
      ['/index.html', 'text/html; charset=utf-8', 'dist/web/index.html'],
      ['/app.js', 'text/javascript; charset=utf-8', 'dist/web/app.js'],
      ['/app.css', 'text/css; charset=utf-8', 'dist/web/app.css'],
    ] as const;
    for (const [path, type, file] of cases) {
      const res = await get(served.port, path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toBe(type);
      expect(res.headers['content-security-policy'], path).toBe(WEB_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toBe(readFileSync(file, 'utf8'));
    }
    const missing = await get(served.port, '/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(WEB_CSP);
    expect((await get(served.port, '/', 'POST')).status).toBe(405);
    const head = await get(served.port, '/app.js', 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it("the page's CSP is the HTML report's plus only the page's own script and stylesheet", () => {
    const directives = (policy: string) => policy.split(';').map((d) => d.trim());
    expect(directives(WEB_CSP).slice(0, directives(CSP).length)).toEqual(directives(CSP));
    expect(directives(WEB_CSP).slice(directives(CSP).length)).toEqual([
      "script-src 'self'",
      "style-src-elem 'self' 'unsafe-inline'",
    ]);
    expect(WEB_CSP).not.toMatch(/unsafe-eval|connect-src|\*/);
    // The built page carries the same policy as a meta tag (a saved copy keeps it).
    expect(readFileSync('dist/web/index.html', 'utf8')).toContain(
      `http-equiv="Content-Security-Policy" content="${WEB_CSP.replaceAll('"', '&quot;')}"`,
    );
  });

  it.each([
    ['/../package.json', 400],
    ['/%2e%2e/package.json', 400],
    ['/%2E%2E%2Fpackage.json', 400],
    ['/..%2f..%2fpackage.json', 400],
    ['/%2e%2e%2f%2e%2e%2fsrc%2fcli%2fserve.ts', 400],
    ['/./index.html', 400],
    ['//etc/passwd', 400],
    ['/%2fetc%2fpasswd', 400],
    ['/..\\package.json', 400],
    ['/%5c..%5cpackage.json', 400],
    ['/index.html%00.js', 400],
    ['/%00', 400],
    ['/%zz', 400],
    ['http://127.0.0.1/index.html', 400],
    ['/web-build', 404],
    ['/../web-build/validators.js', 400],
  ])('refuses %s with %i', async (path, status) => {
    const res = await get(served.port, path);
    expect(res.status).toBe(status);
    expect(res.body).not.toContain('"name": "hetbench"');
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
  });

  it('never follows a symlink out of the root, and lists no folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hetbench-serve-'));
    try {
      const root = join(dir, 'web');
      mkdirSync(join(root, 'sub'), { recursive: true });
      writeFileSync(join(root, 'index.html'), 'page');
      writeFileSync(join(dir, 'secret.txt'), 'secret');
      symlinkSync(join(dir, 'secret.txt'), join(root, 'leak.txt'));
      symlinkSync(dir, join(root, 'up'));
      writeFileSync(join(root, 'sub', 'ok.txt'), 'ok');
      symlinkSync(join(root, 'sub', 'ok.txt'), join(root, 'inside.txt'));
      expect(resolveRequest(root, '/leak.txt')).toEqual({ status: 404 });
      expect(resolveRequest(root, '/up/secret.txt')).toEqual({ status: 404 });
      expect(resolveRequest(root, '/sub')).toEqual({ status: 404 });
      expect(resolveRequest(root, '/sub/')).toEqual({ status: 400 });
      expect(resolveRequest(root, '/inside.txt')).toEqual({ file: join(root, 'sub', 'ok.txt') });
      const { server, address } = await listen(root, '127.0.0.1', 0);
      try {
        const port = (address as AddressInfo).port;
        expect((await get(port, '/leak.txt')).status).toBe(404);
        expect((await get(port, '/up/secret.txt')).status).toBe(404);
        expect(await get(port, '/sub/ok.txt')).toMatchObject({ status: 200, body: 'ok' });
        expect(await get(port, '/')).toMatchObject({ status: 200, body: 'page' });
      } finally {
        server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help exits 0; a bad --port or an unknown flag exits 2 naming it; a port in use exits 2', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['dist/src/cli/main.js', 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: hetbench serve \[--port N\] \[--host H\]/);
    for (const bad of ['65536', '-1', 'abc', '8.5']) {
      const r = cli('--port', bad);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toContain('--port');
      expect(r.stderr).toContain(bad);
    }
    expect(cli('--bogus').status).toBe(2);
    const inUse = cli('--port', String(served.port));
    expect(inUse.status).toBe(2);
    expect(inUse.stderr).toMatch(/--port.*in use/);
  });
});
