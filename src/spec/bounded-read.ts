import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { SpecError } from '../errors.js';

/**
 * Reading untrusted JSON files with bounds that hold BEFORE anything is parsed: a spec or a
 * report path may name /dev/zero, a FIFO nobody writes, a terminal or a 100 MB file, and
 * none of them may hang hetbench or grow its memory.
 *
 * - Only regular files are read. The file is opened with O_NONBLOCK, so opening a FIFO with no
 *   writer returns at once instead of blocking; then fstat on that same descriptor decides (no
 *   race between a stat and the open). A FIFO, device, socket or directory is a SpecError.
 *   Reading them "with a bound and a timeout" was the other choice; refusing is simpler to
 *   promise and nobody needs to pipe a spec in (docs/hostile-input.md).
 * - At most `limit` + 1 bytes are read, whatever the size fstat claims (a file may grow while
 *   it is read); one byte over the limit is an error naming the limit.
 * - Nesting deeper than MAX_JSON_DEPTH is refused by a linear scan before JSON.parse, whose
 *   recursion (and every recursive walk after it: ajv, the renderers) would overflow the stack.
 */

/** Deepest JSON nesting accepted; real specs and reports nest at most 6 deep. */
export const MAX_JSON_DEPTH = 64;

export type FileKind = 'regular' | 'directory' | 'FIFO' | 'character device' | 'block device' | 'socket' | 'other';

function kindOf(stats: Stats): FileKind {
  if (stats.isFile()) return 'regular';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isSocket()) return 'socket';
  return 'other';
}

/** What went wrong reading a file, for the caller to word (spec and report messages differ). */
export type ReadFailure =
  | { readonly kind: 'unreadable'; readonly code: string }
  | { readonly kind: 'not-regular'; readonly fileKind: FileKind }
  | { readonly kind: 'too-large'; readonly limit: number };

export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
  constructor(readonly failure: ReadFailure) {
    super(failure.kind);
  }
}

/** The UTF-8 text of a regular file of at most `limit` bytes; anything else throws BoundedReadError. */
export function readBoundedText(path: string, limit: number): string {
  return readBoundedBytes(path, limit).toString('utf8');
}

/** The bytes of a regular file of at most `limit` bytes (what a hash must see); anything else throws BoundedReadError. */
export function readBoundedBytes(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new BoundedReadError({ kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'error' });
  }
  try {
    const fileKind = kindOf(fstatSync(fd));
    // A directory reads as it always has: EISDIR, what read(2) on it says.
    if (fileKind === 'directory') throw new BoundedReadError({ kind: 'unreadable', code: 'EISDIR' });
    if (fileKind !== 'regular') throw new BoundedReadError({ kind: 'not-regular', fileKind });
    const buffer = Buffer.alloc(Math.min(limit + 1, 1 << 20));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, limit + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      total += n;
      if (total > limit) throw new BoundedReadError({ kind: 'too-large', limit });
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof BoundedReadError) throw err;
    throw new BoundedReadError({ kind: 'unreadable', code: (err as NodeJS.ErrnoException).code ?? 'error' });
  } finally {
    closeSync(fd);
  }
}

/**
 * The deepest bracket nesting of JSON text, counting only brackets outside strings; stops
 * (returning a value over `max`) as soon as `max` is exceeded. Linear, no recursion.
 */
export function jsonDepth(text: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > max) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** JSON.parse behind the depth bound: too deep or malformed text is a SpecError naming `source`. */
export function parseBoundedJson(text: string, source: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw new SpecError(
      source,
      `more than ${MAX_JSON_DEPTH} levels of nesting`,
      `is nested too deeply: at most ${MAX_JSON_DEPTH} levels of arrays and objects are read.`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SpecError(source, text.length > 40 ? `${text.slice(0, 40)}...` : text, `is not valid JSON (${reason}).`);
  }
}

/** A ReadFailure as the end of a sentence about `path`. */
export function describeReadFailure(failure: ReadFailure): string {
  switch (failure.kind) {
    case 'unreadable':
      return `cannot be read (${failure.code})`;
    case 'not-regular':
      return `is a ${failure.fileKind}, not a regular file (only regular files are read)`;
    case 'too-large':
      return `is larger than the ${failure.limit.toLocaleString('en-US')}-byte limit`;
  }
}
