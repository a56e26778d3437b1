#!/usr/bin/env node
import { EXIT_CODES, type ExitCode } from '../errors.js';
import { VERSION } from '../version.js';
import { commands } from './commands.js';
import { armFault, FAULT_VARIABLE, parseFault } from './fault.js';
import { reportError } from './report-error.js';
import { isFilteredChild, runFiltered } from './stderr-filter.js';

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
    'Exit codes: 0 ok, 1 regression found (compare), 2 bad input, 3 GPU/device failure,',
    '70 internal error (a bug in hetbench; HETBENCH_DEBUG=1 prints its stack trace),',
    '130/143 run stopped by SIGINT/SIGTERM (finished steps written, marked partial; src/cli/interrupt.ts).',
  ].join('\n');

export async function main(argv: readonly string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT_CODES.badInput : EXIT_CODES.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT_CODES.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(
      `hetbench: unknown command ${JSON.stringify(name)}; ` +
        `commands: ${commands.map((c) => c.name).join(', ')}. See 'hetbench --help'.\n`,
    );
    return EXIT_CODES.badInput;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${(command.helpFor ? await command.helpFor(rest) : command.help).trim()}\n`);
    return EXIT_CODES.ok;
  }
  const opensGpu = typeof command.opensGpu === 'function' ? command.opensGpu(rest) : command.opensGpu === true;
  if (opensGpu && !isFilteredChild()) return (await runFiltered(argv, command.childEnv?.() ?? {})) as ExitCode;
  // The test seam (fault.ts) is read here, once, so no command reads the environment for it.
  armFault(parseFault(process.env[FAULT_VARIABLE]));
  return command.run(rest);
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
