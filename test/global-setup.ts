import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Builds dist/ once per test run, so CLI tests spawn the real `hetbench` binary exactly as a
 * user runs it. tsc emits even when a type error exists; the type check is its own step.
 */
export default function setup(): void {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    encoding: 'utf8',
  });
  if (!existsSync('dist/src/cli/main.js')) {
    throw new Error(`build failed, no dist/src/cli/main.js:\n${tsc.stdout}${tsc.stderr}`);
  }
}
