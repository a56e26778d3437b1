import { SpecError } from '../errors.js';
import {
  BoundedReadError,
  describeReadFailure,
  parseBoundedJson,
  type ReadFailure,
  readBoundedText,
} from './bounded-read.js';

/** Largest spec file read; a spec is a few kilobytes, anything far bigger is a wrong path. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Parses spec text; too deep or malformed JSON becomes a SpecError naming the source. */
export function parseJsonText(text: string, source: string): unknown {
  return parseBoundedJson(text, source);
}

/**
 * Reads and parses a JSON file of at most `limit` bytes; an unreadable, special (FIFO, device)
 * or oversized file is a SpecError naming the file, with `fix(failure)` as its message, never a
 * raw fs error, a hang or a memory blow-up: the size bound holds while reading
 * (src/spec/bounded-read.ts). Too deep or malformed JSON is a SpecError naming the file too.
 */
export function readJsonWithin(path: string, limit: number, fix: (failure: ReadFailure) => string): unknown {
  let text: string;
  try {
    text = readBoundedText(path, limit);
  } catch (err) {
    if (!(err instanceof BoundedReadError)) throw err;
    throw new SpecError(path, path, fix(err.failure));
  }
  return parseJsonText(text, path);
}

/** Reads and parses a spec file (readJsonWithin at MAX_SPEC_BYTES), naming the presets in its message. */
export function readJsonFile(path: string, what: string, presetNames: readonly string[]): unknown {
  return readJsonWithin(path, MAX_SPEC_BYTES, (failure) =>
    failure.kind === 'unreadable'
      ? `is neither a ${what} preset (${presetNames.join(', ')}) nor a readable JSON file (${failure.code}).`
      : `${describeReadFailure(failure)}; pass a ${what} spec JSON file or a preset.`,
  );
}
