import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The part of parseArgs' tokens read here. */
interface Token {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

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
  let parsed: {
    values: ParsedArgs['values'];
    positionals: string[];
    tokens: readonly Token[];
  };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals, tokens: true }) as typeof parsed;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const flag = /'(-{1,2}[^' <]+)/.exec(message)?.[1] ?? command;
    // The value at fault is what followed the flag (or nothing), never the whole command line.
    throw new UsageError(
      flag,
      valueAfter(argv, flag),
      `${message.replace(/\.$/, '')}. See 'hetbench ${command} --help'.`,
    );
  }
  rejectRepeatedFlags(command, parsed.tokens, options);
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** The argument after `flag` in argv (its value when it takes one), undefined when there is none. */
function valueAfter(argv: readonly string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  const arg = argv[i] as string;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
}

/**
 * A flag given twice (`--cluster A --cluster B`) is an error naming the flag: parseArgs would
 * silently keep the last, and a script that appends flags would run something else than it
 * reads. Flags declared `multiple` may repeat.
 */
function rejectRepeatedFlags(command: string, tokens: readonly Token[], options: Options): void {
  const seen = new Map<string, string | undefined>();
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || options[t.name]?.multiple === true) continue;
    if (seen.has(t.name)) {
      const first = seen.get(t.name);
      const values = [first, t.value].filter((v) => v !== undefined);
      throw new UsageError(
        `--${t.name}`,
        values.length > 0 ? values : undefined,
        `is given more than once; give it once. See 'hetbench ${command} --help'.`,
      );
    }
    seen.set(t.name, t.value);
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
