import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Global setup of the device project (vitest.config.ts): brings dist/ up to date, so CLI tests spawn
 * the real `hetbench` binary exactly as a user runs it. The build is incremental (tsc -b,
 * tsconfig.build.json): after `npm run build` or set-up it only compares timestamps and compiles
 * nothing. tsc emits even when a type error exists; reporting it is `npm run check`'s job.
 */
export default function setup(): void {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json'], {
    encoding: 'utf8',
  });
  if (!existsSync('dist/src/cli/main.js')) {
    throw new Error(`build failed, no dist/src/cli/main.js:\n${tsc.stdout}${tsc.stderr}`);
  }
}
