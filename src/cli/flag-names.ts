import { UsageError } from '../errors.js';

/**
 * The parameters library code names in a UsageError's `field` (openGpu's `backend`, matmul's
 * `m`, getPolicy's `policy`, ...). The library knows nothing of flags; each command says which
 * of its flags sets each parameter, and the error a user sees names the flag they typed.
 */
export type LibraryParameter =
  | 'backend'
  | 'adapter'
  | 'polling'
  | 'kernel'
  | 'dtype'
  | 'policy'
  | 'm'
  | 'n'
  | 'k'
  | 'targetCi'
  | 'maxTimeS';

export type Flag = `--${string}`;

/** A command's flag for each library parameter it sets. */
export type FlagNames = Readonly<Partial<Record<LibraryParameter, Flag>>>;

/**
 * `err` with its parameter renamed to the command's flag: `backend: got "x"; ...` becomes
 * `--backend: got "x"; ...`. A field of several parameters (`m/n/k`) is renamed part by part.
 * A field that is already a flag, a JSON path, or a parameter the command has no flag for, and
 * any other error, are returned unchanged.
 */
export function withFlagNames(err: unknown, flags: FlagNames): unknown {
  if (!(err instanceof UsageError)) return err;
  const parts = err.field.split('/');
  const renamed = parts.map((part) => (Object.hasOwn(flags, part) ? flags[part as LibraryParameter] : undefined));
  if (renamed.every((flag) => flag === undefined)) return err;
  return err.withField(parts.map((part, i) => renamed[i] ?? part).join('/'));
}
