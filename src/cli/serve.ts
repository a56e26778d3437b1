import { existsSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, sep } from 'node:path';
import { packageRoot } from '../assets.js';
import { EXIT_CODES, UsageError } from '../errors.js';
import { WEB_CSP } from '../web/csp.js';
import { boolFlag, intFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';

const DEFAULT_PORT = 8787;
const DEFAULT_HOST = '127.0.0.1';

const help = `
Usage: hetbench serve [--port N] [--host H] [--json]

Serves the browser page (dist/web, built by 'npm run build') on http://HOST:PORT/: the same
kernels and measured run as 'hetbench run', on the browser's WebGPU device. Open it and pick a
cluster, workload and policies, or start a run on load:

  http://127.0.0.1:${DEFAULT_PORT}/?run=quick
  http://127.0.0.1:${DEFAULT_PORT}/?run=default&cluster=lab-a100-h100&workload=8b&policy=lockstep,minmax

(further parameters: steps, seed, autotune=on|off). The page downloads its JSON report, which
'hetbench compare node.json browser.json' and 'hetbench report' read like any other.

Only the built files are served (GET and HEAD; no directory listings, no path outside
dist/web), with the HTML report's Content-Security-Policy plus the page's own script.

  --port N     TCP port, 0 to 65535 (default ${DEFAULT_PORT}; 0 picks a free one and prints it)
  --host H     address to bind (default ${DEFAULT_HOST}: this machine only; 0.0.0.0 exposes it)
  --json       print {"url", "host", "port", "root"} as JSON instead of the sentence
  -h, --help   show this help

Runs until SIGINT (Ctrl-C) or SIGTERM, then exits 0. Exit codes: 2 bad input (a bad --port,
an address in use or not available, no built page).
`;

/** Content types of what the web build writes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers on every answer, errors included. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': WEB_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** Where the page is: dist/web under the package. */
export function webRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/** What a request path names: a file under the root, or why it is refused. */
export type Resolved = { readonly file: string } | { readonly status: 400 | 404 };

/**
 * The file a request target names under `root`, or 400 for a malformed or hostile path (not
 * origin-form, undecodable, NUL, backslash, '.' or '..' segments raw or percent-encoded, empty
 * segments) and 404 for anything that is not a regular file inside the root once symlinks are
 * resolved. '/' is index.html; directories are never listed.
 */
export function resolveRequest(root: string, target: string): Resolved {
  if (!target.startsWith('/')) return { status: 400 };
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400 };
  }
  if (/[\0\\]/.test(path)) return { status: 400 };
  const segments = path.slice(1).split('/');
  if (path === '/') segments.splice(0, 1, 'index.html');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return { status: 400 };
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(root, ...segments));
  } catch {
    return { status: 404 };
  }
  if (!real.startsWith(realRoot + sep)) return { status: 404 };
  try {
    if (!statSync(real).isFile()) return { status: 404 };
  } catch {
    return { status: 404 };
  }
  return { file: real };
}

function answer(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(`${text}\n`);
}

/** The request handler: the built files, read-only. */
export function staticHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answer(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const resolved = resolveRequest(root, req.url ?? '');
    if ('status' in resolved) {
      answer(res, resolved.status, resolved.status === 400 ? 'bad request path' : 'not found');
      return;
    }
    readFile(resolved.file).then(
      (body) => {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'Content-Type': CONTENT_TYPES[extname(resolved.file)] ?? 'application/octet-stream',
          'Content-Length': String(body.length),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => answer(res, 404, 'not found'),
    );
  };
}

/** Starts the server; resolves once it listens, with the address it got (port 0: the real port). */
export function listen(root: string, host: string, port: number): Promise<{ server: Server; address: AddressInfo }> {
  return new Promise((resolve, reject) => {
    const server = createServer(staticHandler(root));
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, address: server.address() as AddressInfo });
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/`;
}

export const serveCommand: Command = defineCommand({
  name: 'serve',
  summary: 'serve the browser page: the benchmark on any WebGPU browser (npm run build first)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('serve', argv, {
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
    });
    const port = intFlag('--port', stringFlag(values, 'port'), DEFAULT_PORT, 0, 65_535);
    const host = stringFlag(values, 'host') ?? DEFAULT_HOST;
    if (host.trim() === '') throw new UsageError('--host', host, 'must be an address to bind, e.g. 127.0.0.1.');
    const root = webRoot();
    if (!existsSync(join(root, 'index.html')))
      throw new UsageError('serve', root, "has no built page (index.html); run 'npm run build' first.");
    let started: Awaited<ReturnType<typeof listen>>;
    try {
      started = await listen(root, host, port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new UsageError('--port', port, 'is in use; pick another port, or 0 for a free one.');
      if (code === 'EACCES') throw new UsageError('--port', port, 'needs privileges to bind; use a port above 1023.');
      if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        throw new UsageError('--host', host, 'is not an address of this machine; use 127.0.0.1 (the default).');
      throw err;
    }
    const { server, address } = started;
    const url = urlOf(address);
    if (boolFlag(values, 'json'))
      process.stdout.write(`${JSON.stringify({ url, host: address.address, port: address.port, root })}\n`);
    else process.stdout.write(`hetbench serve: ${url} (open ${url}?run=quick to start a quick run on load)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.close(() => resolve());
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT_CODES.ok;
  },
});
