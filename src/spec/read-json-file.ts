import { SpecError } from '../errors.js';
import { BoundedReadError, describeReadFailure, parseBoundedJson, readBoundedText } from './bounded-read.js';

/** Largest spec file read; a spec is a few kilobytes, anything far bigger is a wrong path. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Parses spec text; too deep or malformed JSON becomes a SpecError naming the source. */
export function parseJsonText(text: string, source: string): unknown {
  return parseBoundedJson(text, source);
}

/**
 * Reads and parses a spec file; an unreadable, special (FIFO, device) or oversized file is a
 * SpecError naming the file, never a raw fs error, a hang or a memory blow-up: the size bound
 * holds while reading (src/spec/bounded-read.ts).
 */
export function readJsonFile(path: string, what: string, presetNames: readonly string[]): unknown {
  let text: string;
  try {
    text = readBoundedText(path, MAX_SPEC_BYTES);
  } catch (err) {
    if (!(err instanceof BoundedReadError)) throw err;
    const { failure } = err;
    if (failure.kind === 'unreadable')
      throw new SpecError(
        path,
        path,
        `is neither a ${what} preset (${presetNames.join(', ')}) nor a readable JSON file (${failure.code}).`,
      );
    throw new SpecError(path, path, `${describeReadFailure(failure)}; pass a ${what} spec JSON file or a preset.`);
  }
  return parseJsonText(text, path);
}
