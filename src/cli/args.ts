import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs` with `strict: true`, turning its errors (unknown flag, missing value) into a
 * UsageError that names the flag and points at --help.
 */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: Options,
  allowPositionals = false,
): ParsedArgs {
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? command;
    throw new UsageError(flag, argv.join(' '), `${message.replace(/\.$/, '')}. See 'hetbench ${command} --help'.`);
  }
}

/** A string flag's value (parseArgs already rejects a missing value under strict mode). */
export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(values: ParsedArgs['values'], name: string): boolean {
  return values[name] === true;
}

/** Parses an integer flag in [min, max]; the error names the flag, the value and the range. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^[+-]?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(flag, raw, `must be an integer from ${min} to ${max.toLocaleString('en-US')}.`);
  }
  return value;
}

/** Parses a finite number flag in [min, max]. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(flag, raw, `must be a number from ${min} to ${max}.`);
  }
  return value;
}

/** Parses a flag restricted to a fixed set of names. */
export function choiceFlag<T extends string>(
  flag: string,
  raw: string | undefined,
  fallback: T,
  choices: readonly T[],
): T {
  if (raw === undefined) return fallback;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(flag, raw, `must be one of: ${choices.join(', ')}.`);
}
