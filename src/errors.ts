/**
 * The process exit codes of the CLI, one meaning each, so CI can tell them apart:
 * a regression (only `compare` finds one) is not a crash, and a crash is not bad input.
 * 70 is EX_SOFTWARE of sysexits.h: an internal error, a bug in hetbench. 130 and 143 are the
 * shell's 128 + signal number: a run stopped by SIGINT or SIGTERM (its finished steps written).
 */
export const EXIT_CODES = {
  ok: 0,
  regression: 1,
  badInput: 2,
  device: 3,
  internal: 70,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/**
 * The few named errors hetbench throws. Each carries the process exit code the CLI uses:
 * 2 for bad input (the message names the field, the value and the fix), 3 for a device failure.
 */
export abstract class HetbenchError extends Error {
  abstract readonly exitCode: typeof EXIT_CODES.badInput | typeof EXIT_CODES.device;
}

/**
 * Bad input from a user: a parameter, a size, a spec field. Exit code 2. Library code names its
 * own parameters (`backend`, `m`); the CLI renames them to its flags (src/cli/flag-names.ts).
 */
export class UsageError extends HetbenchError {
  readonly exitCode = EXIT_CODES.badInput;
  override readonly name: string = 'UsageError';
  constructor(
    /** The parameter, flag or field at fault, e.g. `m`, `--m` or `$.groups[1].count`. */
    readonly field: string,
    /** The offending value, as the user gave it. */
    readonly value: unknown,
    /** What is allowed, or how to fix it. */
    readonly fix: string,
  ) {
    super(`${field}: ${describeValue(value)} ${fix}`);
  }

  /** The same error (same class, value and fix) naming `field` instead, e.g. a parameter's CLI flag. */
  withField(field: string): UsageError {
    const Same = this.constructor as new (field: string, value: unknown, fix: string) => UsageError;
    const renamed = new Same(field, this.value, this.fix);
    if (this.stack !== undefined) renamed.stack = this.stack;
    return renamed;
  }
}

/**
 * A cluster or workload spec that fails validation. `field` is a JSON path ($.groups[0].gpu).
 * Parsers must throw only this for any malformed input.
 */
export class SpecError extends UsageError {
  override readonly name: string = 'SpecError';
}

/** No WebGPU adapter, or a required feature missing. Exit code 3. */
export class GpuUnavailableError extends HetbenchError {
  readonly exitCode = EXIT_CODES.device;
  override readonly name: string = 'GpuUnavailableError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message}\n  fix: ${hint}`);
  }
}

/** The device was lost, or GPU work failed validation / ran out of memory. Exit code 3. */
export class DeviceError extends HetbenchError {
  readonly exitCode = EXIT_CODES.device;
  override readonly name: string = 'DeviceError';
  constructor(
    message: string,
    readonly reason: 'lost' | 'validation' | 'out-of-memory' | 'internal' | 'mismatch',
  ) {
    super(message);
  }
}

/** Short, single-line rendering of an offending value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing;';
  let text: string;
  try {
    // JSON writes Infinity and NaN as null, which would misname the value at fault.
    text =
      typeof value === 'number' && !Number.isFinite(value)
        ? String(value)
        : typeof value === 'string'
          ? JSON.stringify(value)
          : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  return `got ${text};`;
}
