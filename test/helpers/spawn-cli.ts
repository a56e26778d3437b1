import { spawnSync } from 'node:child_process';

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
