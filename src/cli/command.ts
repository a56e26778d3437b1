import type { ExitCode } from '../errors.js';
import { type FlagNames, withFlagNames } from './flag-names.js';

/** One CLI command: a static help text and a runner that returns the exit code. */
export interface Command {
  readonly name: string;
  /** One line for `hetbench --help`. */
  readonly summary: string;
  /** Full static help for `hetbench NAME --help`. */
  readonly help: string;
  run(argv: readonly string[]): Promise<ExitCode>;
}

export interface CommandSpec extends Command {
  /** The command's flag for each library parameter it passes on (see flag-names.ts). */
  readonly flags?: FlagNames;
}

/**
 * A command whose library errors name its flags: a UsageError about a parameter the command
 * set from a flag is rethrown naming that flag, wherever the command runs (main, start, tests).
 */
export function defineCommand(spec: CommandSpec): Command {
  const { flags = {}, run, ...command } = spec;
  return {
    ...command,
    async run(argv) {
      try {
        return await run(argv);
      } catch (err) {
        throw withFlagNames(err, flags);
      }
    },
  };
}
