/** One CLI command: a static help text and a runner that returns the exit code. */
export interface Command {
  readonly name: string;
  /** One line for `hetbench --help`. */
  readonly summary: string;
  /** Full static help for `hetbench NAME --help`. */
  readonly help: string;
  run(argv: readonly string[]): Promise<number>;
}
