import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../write-atomic.js';

/**
 * Where the tuning cache lives in Node: one JSON file in a cache folder, and the environment
 * variables that steer tuning. tune-cache.ts owns the format and never touches storage itself;
 * the web bundle replaces this module with src/web/platform/tune-store.ts (same exports, the
 * page's localStorage).
 */
export const CACHE_FILE = 'tune-cache.json';

/** Where the cache is kept and how it is reached. */
export interface TuneCacheOptions {
  /** Cache folder; null disables the disk cache. Default: $HETBENCH_CACHE_DIR, else $XDG_CACHE_HOME/hetbench, else ~/.cache/hetbench. */
  readonly cacheDir?: string | null;
  readonly onWarning?: (message: string) => void;
}

/** What a read found: the text, nothing (a missing cache is empty), or an error to warn about. */
export type StoredText = { readonly text: string } | { readonly missing: true } | { readonly error: string };

/** The cache folder in effect, or null when disabled (option null, or HETBENCH_CACHE_DIR=off). */
export function cacheDir(options: TuneCacheOptions = {}): string | null {
  if (options.cacheDir !== undefined) return options.cacheDir;
  const env = process.env['HETBENCH_CACHE_DIR'];
  if (env === 'off') return null;
  if (env) return env;
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg ? xdg : join(homedir(), '.cache'), 'hetbench');
}

/** Where the cache is: the file, and the folder it is written in (both named in warnings). */
export interface CacheLocation {
  readonly file: string;
  readonly folder: string;
}

/** The cache's location, or null when the cache is disabled. */
export function cacheLocation(options: TuneCacheOptions = {}): CacheLocation | null {
  const dir = cacheDir(options);
  return dir === null ? null : { file: join(dir, CACHE_FILE), folder: dir };
}

/** The stored text at `location` (from cacheLocation). */
export function readCacheText(location: CacheLocation): StoredText {
  try {
    return { text: readFileSync(location.file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { error: (err as Error).message };
  }
}

/** Replaces the stored text atomically (temp file + rename), so readers never see half a file. */
export function writeCacheText(location: CacheLocation, text: string): void {
  writeFileAtomic(location.file, text);
}

/** Where warnings go without an onWarning: stderr. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`hetbench: warning: ${message}\n`);
}

/** Whether tuning on a cache miss is on by default: off with HETBENCH_AUTOTUNE=off. */
export function autotuneByDefault(): boolean {
  return process.env['HETBENCH_AUTOTUNE'] !== 'off';
}
