import { describeValue } from '../errors.js';
import { type Gpu, webgpuVersion } from '../gpu/open.js';
import { findViolation, jsonPath } from '../spec/validate.js';
import { VERSION } from '../version.js';
import type { KernelDtype } from './kernel.js';
import { cacheLocation, readCacheText, type TuneCacheOptions, warnOnStderr, writeCacheText } from './tune-store.js';

export { CACHE_FILE, cacheDir, type TuneCacheOptions } from './tune-store.js';

/**
 * On-disk cache of autotuning choices. One JSON file holds many entries; each is keyed by
 * everything that can change which kernel is fastest: the adapter's identity and driver
 * description, the Dawn bindings' version, hetbench's version (the generator may change),
 * the dtype and the shape class. Anything that does not parse, or carries another format
 * marker, is ignored with a warning and overwritten on the next write: a cache is never trusted.
 * Its shape is schemas/tune-cache.schema.json, checked by the one validator (src/spec/validate.ts).
 */
export const CACHE_FORMAT = 'hetbench-tune-cache';
export const CACHE_FORMAT_VERSION = 1;

export interface TuneEntry {
  /** configName() of the chosen kernel. */
  readonly config: string;
  /** GFLOP/s measured when tuning, on the class's representative shape. */
  readonly gflops: number;
  readonly shape: { readonly m: number; readonly n: number; readonly k: number };
  readonly tunedAt: string;
}

/** The file as schemas/tune-cache.schema.json describes it. */
export interface CacheFile {
  readonly format: typeof CACHE_FORMAT;
  readonly version: typeof CACHE_FORMAT_VERSION;
  readonly entries: Record<string, TuneEntry>;
}

/** The cache key of one tuning: adapter identity + driver + versions + dtype + shape class. */
export function tuneKey(gpu: Pick<Gpu, 'info'>, dtype: KernelDtype, shapeClass: string): string {
  const { vendor, architecture, device, description, backend } = gpu.info;
  return JSON.stringify([
    vendor,
    architecture,
    device,
    description,
    backend,
    `webgpu@${webgpuVersion()}`,
    `hetbench@${VERSION}`,
    dtype,
    shapeClass,
  ]);
}

function warnWith(options: TuneCacheOptions): (m: string) => void {
  return options.onWarning ?? warnOnStderr;
}

/** Reads every valid entry; a missing file is empty, a corrupt or foreign one warns and is empty. */
export function readTuneCache(options: TuneCacheOptions = {}): Record<string, TuneEntry> {
  const location = cacheLocation(options);
  if (location === null) return {};
  const stored = readCacheText(location);
  const path = location.file;
  if ('missing' in stored) return {};
  if ('error' in stored) {
    warnWith(options)(`cannot read the tuning cache ${path}: ${stored.error}; ignoring it`);
    return {};
  }
  const { text } = stored;
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    warnWith(options)(`the tuning cache ${path} is not valid JSON; ignoring it (it is rewritten on the next tuning)`);
    return {};
  }
  // schemas/tune-cache.schema.json: a malformed entry is dropped with a warning and the rest
  // kept; any other violation (format, version, no entries) is the whole file.
  for (;;) {
    const violation = findViolation('tune-cache', file);
    if (violation === null) return { ...(file as CacheFile).entries };
    const [top, key] = violation.at;
    if (top !== 'entries' || typeof key !== 'string') {
      warnWith(options)(`the tuning cache ${path} is not a ${CACHE_FORMAT} v${CACHE_FORMAT_VERSION} file; ignoring it`);
      return {};
    }
    const detail = `${jsonPath(violation.at.slice(2))}: ${describeValue(violation.value)} ${violation.fix}`;
    warnWith(options)(`the tuning cache ${path} has a malformed entry (${detail}); ignoring that entry`);
    // Format, version and entries passed (the schema checks them first), so entries is an object.
    const { [key]: _dropped, ...kept } = (file as CacheFile).entries;
    file = { ...(file as CacheFile), entries: kept };
  }
}

/** The cached entry for `key`, if any. */
export function lookupTune(key: string, options: TuneCacheOptions = {}): TuneEntry | undefined {
  return readTuneCache(options)[key];
}

/** Adds or replaces one entry; writes atomically (temp file + rename) so readers never see half a file. */
export function storeTune(key: string, entry: TuneEntry, options: TuneCacheOptions = {}): void {
  const location = cacheLocation(options);
  if (location === null) return;
  const file: CacheFile = {
    format: CACHE_FORMAT,
    version: CACHE_FORMAT_VERSION,
    entries: { ...readTuneCache({ ...options, onWarning: () => {} }), [key]: entry },
  };
  try {
    writeCacheText(location, `${JSON.stringify(file, null, 2)}\n`);
  } catch (err) {
    // A read-only home must not fail a benchmark: the choice is simply not remembered.
    warnWith(options)(`cannot write the tuning cache in ${location.folder}: ${(err as Error).message}`);
  }
}
