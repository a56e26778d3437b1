#!/usr/bin/env node
import { HetbenchError } from '../errors.js';
import { VERSION } from '../version.js';
import { commands } from './commands.js';
import { paint } from './output.js';

const usage = (): string =>
  [
    `hetbench ${VERSION}: what mixed GPU generations cost a synchronous training cluster, measured`,
    'with real WGSL kernels on the local GPU and predicted by an analytic model.',
    '',
    'Usage: hetbench <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    "Run 'hetbench <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 regression found (compare), 2 bad input, 3 GPU/device failure.',
  ].join('\n');

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(
      `hetbench: unknown command ${JSON.stringify(name)}; commands: ${commands.map((c) => c.name).join(', ')}. See 'hetbench --help'.\n`,
    );
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help.trim()}\n`);
    return 0;
  }
  return command.run(rest);
}

export function reportError(err: unknown): number {
  if (err instanceof HetbenchError) {
    process.stderr.write(`${paint('red', 'hetbench: error:', process.stderr)} ${err.message}\n`);
    return err.exitCode;
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`hetbench: internal error: ${text}\n`);
  return 1;
}

// Set the exit code rather than calling process.exit(), so pending writes (reports, stdout
// pipes) finish; GPU handles are destroyed by the commands, so the process does not linger.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportError(err);
  },
);
