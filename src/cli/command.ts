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
  /** A command with subcommands (fleet): the help of the one argv names, else its own. */
  readonly helpFor?: (argv: readonly string[]) => Promise<string>;
  /**
   * Whether the command opens the GPU (main.ts then runs it as a filtered child, stderr-filter.ts):
   * true, or for a command with subcommands (fleet), whether the one argv names does.
   */
  readonly opensGpu?: true | ((argv: readonly string[]) => boolean);
  /** Variables for the filtered child a GPU command runs as (main.ts; e.g. run's lavapipe threads). */
  readonly childEnv?: () => Readonly<Record<string, string>>;
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
