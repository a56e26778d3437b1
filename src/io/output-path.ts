import { accessSync, constants, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { danglingLinkCheck, refusedKind, statOrNull } from '../write-atomic.js';

/**
 * Every output path of a command, checked before the command does its work (GPU passes, long
 * computations), so that a bad path is bad input (exit 2, naming the flag, the path and the fix)
 * and never an error after a long run. A path is refused when it is empty, a directory, a socket
 * or a block device, a dangling symlink, under something that is not a folder, in a folder that
 * cannot be written, one of the command's inputs (same file by device and inode, so a symlink or
 * hard link to an input counts), or the same file as another output. `-` is stdout for the flags
 * that accept it (export --out, report --html/--md, whose stdout carries nothing else); for any
 * other flag it is refused, not taken as a file named "-".
 *
 * How the checked outputs are written: src/write-atomic.ts (atomic for regular files, written
 * through for character devices and FIFOs) and ./write-outputs.ts.
 */
export type OutputKind =
  /** `-`: the process's stdout. */
  | 'stdout'
  /** A regular file (through any symlinks), replaced atomically. */
  | 'file'
  /** Nothing there yet: created atomically, with its missing folders. */
  | 'new'
  /** A character device or FIFO: written through. */
  | 'stream';

export interface OutputTarget {
  /** The flag (or variable, e.g. GITHUB_STEP_SUMMARY) that named it, for messages. */
  readonly flag: string;
  /** The path as given. */
  readonly path: string;
  readonly kind: OutputKind;
}

export interface OutputOptions {
  /** `-` means stdout for this flag. */
  readonly dashIsStdout?: boolean;
}

export class OutputPlan {
  private readonly inputs: ReadonlyMap<string, string>;
  private readonly taken = new Map<string, OutputTarget>();

  /** `inputs`: the files the command reads; an output may not be one of them. */
  constructor(inputs: readonly string[] = []) {
    const ids = new Map<string, string>();
    for (const input of inputs) {
      const stats = statOrNullQuiet(input);
      if (stats !== null) ids.set(fileId(stats), input);
    }
    this.inputs = ids;
  }

  /** Checks one output (null when the flag was not given); throws a UsageError naming `flag`. */
  add(flag: string, path: string | undefined, options: OutputOptions = {}): OutputTarget | null {
    if (path === undefined) return null;
    try {
      return this.check(flag, path, options);
    } catch (err) {
      throw err instanceof UsageError && err.field === 'path' ? err.withField(flag) : err;
    }
  }

  /** Checks a folder that outputs go into (export --out-dir): a folder, or creatable as one. */
  addDirectory(flag: string, dir: string): string {
    if (dir === '') throw new UsageError(flag, dir, `needs a folder path; to skip this output, leave out ${flag}.`);
    const stats = statOrNullQuiet(dir);
    if (stats !== null && !stats.isDirectory())
      throw new UsageError(flag, dir, 'is not a directory; give a folder (a missing one is created).');
    if (stats === null) writableAncestor(flag, dir);
    else writable(flag, dir, dir);
    return dir;
  }

  private check(flag: string, path: string, options: OutputOptions): OutputTarget {
    if (path === '') throw new UsageError(flag, path, `needs a file path; to skip this output, leave out ${flag}.`);
    if (path === '-') {
      if (!options.dashIsStdout)
        throw new UsageError(
          flag,
          path,
          "means stdout only for 'export --out' and 'report --html/--md' (whose stdout carries nothing else); give a file path.",
        );
      return this.claim({ flag, path, kind: 'stdout' }, 'stdout');
    }
    const stats = statOrNull(path);
    if (stats === null) {
      danglingLinkCheck(path);
      return this.claim({ flag, path, kind: 'new' }, `path:${writableAncestor(flag, path)}`);
    }
    if (!stats.isFile() && !stats.isCharacterDevice() && !stats.isFIFO())
      throw new UsageError(flag, path, refusedKind(stats));
    const id = fileId(stats);
    const input = this.inputs.get(id);
    if (input !== undefined)
      throw new UsageError(
        flag,
        path,
        `is one of this command's inputs${input === path ? '' : ` (${input})`}; write to another file.`,
      );
    if (stats.isFile()) {
      writable(flag, path, path);
      // The rename happens in the folder of the real file (a symlink's target).
      writable(flag, path, dirname(realpathSync(path)));
      return this.claim({ flag, path, kind: 'file' }, id);
    }
    return this.claim({ flag, path, kind: 'stream' }, id);
  }

  private claim(target: OutputTarget, id: string): OutputTarget {
    const other = this.taken.get(id);
    if (other !== undefined)
      throw new UsageError(
        target.flag,
        target.path,
        `names the same file as ${other.flag} (${other.path}); give each output its own file.`,
      );
    this.taken.set(id, target);
    return target;
  }
}

/** The same file, however it is named: device and inode. */
function fileId(stats: Stats): string {
  return `file:${stats.dev}:${stats.ino}`;
}

function statOrNullQuiet(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * The canonical path a new file will have, after checking that its nearest existing ancestor is a
 * folder that can be written (missing folders below it are created when the file is written).
 */
function writableAncestor(flag: string, path: string): string {
  const full = resolve(path);
  let dir = dirname(full);
  for (;;) {
    const stats = statOrNullQuiet(dir);
    if (stats !== null) {
      if (!stats.isDirectory())
        throw new UsageError(flag, path, `cannot be created: ${dir} is not a directory; give a path in a folder.`);
      writable(flag, path, dir);
      return join(realpathSync(dir), relative(dir, full));
    }
    const up = dirname(dir);
    if (up === dir) return full;
    dir = up;
  }
}

/** A file or folder the process may write (root too is refused on a read-only filesystem). */
function writable(flag: string, path: string, what: string): void {
  try {
    accessSync(what, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const where = what === path ? code : `${what}: ${code}`;
    throw new UsageError(flag, path, `cannot be written (${where}); choose a writable folder.`);
  }
}
