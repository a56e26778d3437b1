import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export interface SpawnResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built `hetbench` CLI (dist/, built by test/global-setup.ts) as a user would.
 * `nodeArgs` go to node before the script (e.g. `--import` of a module that breaks something).
 */
export function hetbench(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
  nodeArgs: readonly string[] = [],
): SpawnResult {
  const r = spawnSync(process.execPath, [...nodeArgs, 'dist/src/cli/main.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface AsyncRun {
  readonly child: ChildProcess;
  /** Resolves with the first stderr line that matches (progress lines go to stderr). */
  readonly line: (pattern: RegExp) => Promise<string>;
  /** Resolves when the process has exited, with its code or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/**
 * Starts the built CLI without waiting for it (test/helpers/spawn-cli.ts waits), so a test can
 * act while it runs: send it signals, or pull a directory from under it, after a progress line.
 */
export function hetbenchAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): AsyncRun {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      const m = stderr.split('\n').find((l) => w.pattern.test(l));
      if (m !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        for (const w of waiters) w.resolve('');
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const m = stderr.split('\n').find((l) => pattern.test(l));
      if (m !== undefined) resolve(m);
      else waiters.push({ pattern, resolve });
    });
  return { child, line, exited };
}
