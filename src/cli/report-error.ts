import { EXIT_CODES, type ExitCode, HetbenchError } from '../errors.js';
import { paint, terminalSafe } from './output.js';

/** The exit code an error thrown out of a command means: its own, or 70 for anything unnamed (a bug). */
export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof HetbenchError ? err.exitCode : EXIT_CODES.internal;
}

/**
 * Prints an error that ended a command and returns the exit code. A named error prints its
 * message (field, value and fix). Anything else is a bug in hetbench: one line that says so
 * and how to see the stack, which is printed only under HETBENCH_DEBUG=1, so that a user's
 * log is not a page of frames and a maintainer can still get them.
 */
export function reportError(
  err: unknown,
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): ExitCode {
  if (err instanceof HetbenchError) {
    stream.write(`${paint('red', 'hetbench: error:', stream)} ${terminalSafe(err.message)}\n`);
    return err.exitCode;
  }
  if (env['HETBENCH_DEBUG'] === '1') {
    const text = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
    stream.write(`hetbench: internal error: ${terminalSafe(text)}\n`);
  } else {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    stream.write(
      `hetbench: internal error (a bug in hetbench): ${terminalSafe(firstLine(text))}; ` +
        'rerun with HETBENCH_DEBUG=1 to print the stack trace, and report it.\n',
    );
  }
  return EXIT_CODES.internal;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length < text.length ? `${line} ...` : line;
}
