/**
 * The few named errors hetbench throws. Each carries the process exit code the CLI uses:
 * 2 for bad input (the message names the field, the value and the fix), 3 for a device failure.
 */
export abstract class HetbenchError extends Error {
  abstract readonly exitCode: 2 | 3;
}

/** Bad input from a user: a flag, a size, a spec field. Exit code 2. */
export class UsageError extends HetbenchError {
  readonly exitCode = 2 as const;
  override readonly name: string = 'UsageError';
  constructor(
    /** The flag or field at fault, e.g. `--m` or `$.groups[1].count`. */
    readonly field: string,
    /** The offending value, as the user gave it. */
    readonly value: unknown,
    /** What is allowed, or how to fix it. */
    readonly fix: string,
  ) {
    super(`${field}: ${describeValue(value)} ${fix}`);
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
  readonly exitCode = 3 as const;
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
  readonly exitCode = 3 as const;
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
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`;
  return `got ${text};`;
}
