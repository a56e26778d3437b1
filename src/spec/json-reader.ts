import { SpecError } from '../errors.js';

/**
 * Hand-written validation of an untrusted JSON value, one field at a time. Every failure is a
 * SpecError whose field is the JSON path ($.groups[1].count), prefixed with the spec's source
 * (file name or preset) so the message says where to look; nothing else is ever thrown.
 * The rules here must agree with schemas/*.schema.json.
 */
export class JsonReader {
  constructor(
    /** Where the JSON came from, for messages: a file path or 'preset colossus-1'. */
    readonly source: string | undefined,
  ) {}

  fail(path: string, value: unknown, fix: string): never {
    throw new SpecError(this.source === undefined ? path : `${this.source}: ${path}`, value, fix);
  }

  /** An object with only the allowed keys (typos like "cout" are errors, not silently ignored). */
  object(
    path: string,
    value: unknown,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, value, `must be a JSON object with keys ${required.join(', ')}.`);
    }
    const record = value as Record<string, unknown>;
    const allowed = [...required, ...optional];
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        this.fail(`${path}.${key}`, record[key], `is not a known key here; allowed keys: ${allowed.join(', ')}.`);
      }
    }
    for (const key of required) {
      if (!Object.hasOwn(record, key)) this.fail(`${path}.${key}`, undefined, `is required.`);
    }
    return record;
  }

  array(path: string, value: unknown, min: number, max: number): unknown[] {
    if (!Array.isArray(value)) this.fail(path, value, `must be a JSON array.`);
    if (value.length < min || value.length > max) {
      this.fail(path, `${value.length} entries`, `must have from ${min} to ${max} entries.`);
    }
    return value;
  }

  string(path: string, value: unknown, maxLength = 200): string {
    if (typeof value !== 'string') this.fail(path, value, `must be a string.`);
    if (value.length === 0 || value.length > maxLength)
      this.fail(path, value, `must be a non-empty string of at most ${maxLength} characters.`);
    return value;
  }

  /** A lower-case identifier, as catalog keys are: letters, digits, '-', '_', '.'. */
  id(path: string, value: unknown): string {
    const text = this.string(path, value, 64);
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(text))
      this.fail(path, value, `must be a lower-case id of letters, digits, '.', '_' or '-' (e.g. "h100-sxm").`);
    return text;
  }

  integer(path: string, value: unknown, min: number, max: number): number {
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      !Number.isInteger(value) ||
      value < min ||
      value > max
    ) {
      this.fail(path, value, `must be an integer from ${formatLimit(min)} to ${formatLimit(max)}.`);
    }
    return value;
  }

  number(path: string, value: unknown, min: number, max: number, exclusiveMin = false): number {
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (exclusiveMin ? value <= min : value < min) ||
      value > max
    ) {
      this.fail(
        path,
        value,
        `must be a number ${exclusiveMin ? 'greater than' : 'from'} ${formatLimit(min)} ${exclusiveMin ? 'and at most' : 'to'} ${formatLimit(max)}.`,
      );
    }
    return value;
  }

  boolean(path: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(path, value, `must be true or false.`);
    return value;
  }

  choice<T extends string>(path: string, value: unknown, choices: readonly T[]): T {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      this.fail(path, value, `must be one of: ${choices.join(', ')}.`);
    }
    return value as T;
  }
}

function formatLimit(x: number): string {
  return Math.abs(x) >= 1e4 ? x.toLocaleString('en-US') : String(x);
}
