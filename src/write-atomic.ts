import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * How hetbench writes a file, for every writer (reports, summaries, exports, the tuning cache):
 *
 * - a regular file, or a path that does not exist yet: atomically, so that no reader ever sees
 *   half of it: a temp file created exclusively beside the target, then renamed over it (atomic on
 *   one filesystem); the temp file is removed on failure, and the replaced file's permissions kept;
 * - a character device (/dev/null, a terminal) or a FIFO: written through, opened for writing and
 *   never renamed over (a rename would replace the device node or the pipe with a regular file);
 * - a symlink is followed knowingly: the file it points to is written (atomically when that is a
 *   regular file) and the link stays a link; a dangling link is refused, since following it would
 *   create whatever file it names;
 * - a directory, socket or block device is refused.
 *
 * Problems with the path itself are UsageErrors whose field is `path` (a caller names its flag);
 * anything else the system reports (ENOSPC, EACCES) is rethrown as it is.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const existing = statOrNull(path);
  if (existing === null) {
    danglingLinkCheck(path);
    writeReplacing(path, data, null);
  } else if (existing.isFile()) {
    // The real file, so that a symlink to it stays a symlink.
    writeReplacing(realpathSync(path), data, existing);
  } else if (existing.isCharacterDevice() || existing.isFIFO()) {
    writeThrough(path, data, 'truncate');
  } else {
    throw new UsageError('path', path, refusedKind(existing));
  }
}

/** Appends to a file, or writes through to a character device or FIFO (GITHUB_STEP_SUMMARY). */
export function appendFileSafely(path: string, data: string | Uint8Array): void {
  const existing = statOrNull(path);
  if (existing === null) danglingLinkCheck(path);
  else if (!existing.isFile() && !existing.isCharacterDevice() && !existing.isFIFO())
    throw new UsageError('path', path, refusedKind(existing));
  if (existing === null) mkdirSync(dirname(resolve(path)), { recursive: true });
  writeThrough(path, data, 'append');
}

/** Why a path that exists cannot be an output: it is a directory, a socket or a block device. */
export function refusedKind(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory; give a file path inside it, e.g. DIR/report.json.';
  const kind = stats.isSocket() ? 'a socket' : stats.isBlockDevice() ? 'a block device' : 'not a regular file';
  return `is ${kind}; hetbench writes regular files, character devices (e.g. /dev/null) and FIFOs only.`;
}

/** stat() that follows links; null when nothing is there (or a link leads nowhere). */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    // ENOTDIR: a part of the path is a file, so nothing is there (the caller says which part).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'ELOOP') throw new UsageError('path', path, 'is a symlink loop; point it at a file or remove it.');
    throw err;
  }
}

/** A path that does not exist may still be a symlink to nothing: refused rather than followed. */
export function danglingLinkCheck(path: string): void {
  let link: Stats;
  try {
    link = lstatSync(path);
  } catch {
    return;
  }
  if (link.isSymbolicLink()) {
    const to = resolve(dirname(path), readlinkSync(path));
    throw new UsageError(
      'path',
      path,
      `is a symlink to ${to}, which does not exist; point it at a file or remove the link.`,
    );
  }
}

function writeReplacing(target: string, data: string | Uint8Array, replaced: Stats | null): void {
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    // A 0600 report stays private: the new file takes the permissions of the one it replaces.
    if (replaced !== null) fchmodSync(fd, replaced.mode & 0o7777);
    writeAll(fd, toBytes(data), tmp);
    closeSync(fd);
    fd = null;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** How long a FIFO's reader may stop reading before the write gives up (a hang is worse). */
const FIFO_STALL_MS = 10_000;

function writeThrough(path: string, data: string | Uint8Array, how: 'truncate' | 'append'): void {
  const fifo = statOrNull(path)?.isFIFO() === true;
  let fd: number;
  try {
    // A FIFO opened for writing blocks until a reader opens it; non-blocking, no reader is ENXIO.
    fd = fifo
      ? openSync(path, constants.O_WRONLY | constants.O_NONBLOCK | (how === 'append' ? constants.O_APPEND : 0))
      : openSync(path, how === 'append' ? 'a' : 'w');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO')
      throw new UsageError('path', path, 'is a FIFO with no reader; start its reader first, or write to a file.');
    throw err;
  }
  try {
    writeAll(fd, toBytes(data), path);
  } finally {
    closeSync(fd);
  }
}

/** Writes every byte; on a full pipe (EAGAIN) waits for the reader, up to FIFO_STALL_MS without progress. */
function writeAll(fd: number, bytes: Uint8Array, path: string): void {
  let offset = 0;
  let stalledSince: number | null = null;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
      stalledSince = null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      stalledSince ??= Date.now();
      if (Date.now() - stalledSince > FIFO_STALL_MS)
        throw new UsageError('path', path, `is a FIFO whose reader stopped reading for ${FIFO_STALL_MS / 1000} s.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}
