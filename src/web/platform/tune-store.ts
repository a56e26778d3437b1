/// <reference lib="dom" />
/**
 * The page's side of src/kernels/tune-store.ts (same exports): the tuning cache is one
 * localStorage item per origin, in the same format and checked by the same schema as the file
 * (tune-cache.ts). Private windows or a full quota make writes fail: the choice is then not
 * remembered, with a warning, as with a read-only home in Node.
 */
export const CACHE_FILE = 'tune-cache.json';
const ITEM = 'hetbench-tune-cache';

export interface TuneCacheOptions {
  /** null disables the cache; any string keeps the page's one localStorage item. */
  readonly cacheDir?: string | null;
  readonly onWarning?: (message: string) => void;
}

export type StoredText = { readonly text: string } | { readonly missing: true } | { readonly error: string };

export interface CacheLocation {
  readonly file: string;
  readonly folder: string;
}

export function cacheDir(options: TuneCacheOptions = {}): string | null {
  return options.cacheDir === null ? null : 'localStorage';
}

export function cacheLocation(options: TuneCacheOptions = {}): CacheLocation | null {
  return cacheDir(options) === null ? null : { file: `localStorage["${ITEM}"]`, folder: 'localStorage' };
}

export function readCacheText(_location: CacheLocation): StoredText {
  try {
    const text = globalThis.localStorage.getItem(ITEM);
    return text === null ? { missing: true } : { text };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

export function writeCacheText(_location: CacheLocation, text: string): void {
  globalThis.localStorage.setItem(ITEM, text);
}

export function warnOnStderr(message: string): void {
  console.warn(`hetbench: warning: ${message}`);
}

/** A page tunes on a cache miss, as Node does by default. */
export function autotuneByDefault(): boolean {
  return true;
}
