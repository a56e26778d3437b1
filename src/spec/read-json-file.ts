import { readFileSync } from 'node:fs';
import { SpecError } from '../errors.js';

/** Largest spec file read; a spec is a few kilobytes, anything far bigger is a wrong path. */
const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** Parses spec text; malformed JSON becomes a SpecError naming the source and the parser's complaint. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SpecError(source, text.length > 40 ? `${text.slice(0, 40)}...` : text, `is not valid JSON (${reason}).`);
  }
}

/** Reads and parses a spec file; an unreadable file is a SpecError naming the file, never a raw fs error. */
export function readJsonFile(path: string, what: string, presetNames: readonly string[]): unknown {
  let text: string;
  try {
    const buffer = readFileSync(path);
    if (buffer.length > MAX_SPEC_BYTES)
      throw new SpecError(
        path,
        `${buffer.length} bytes`,
        `is too large for a ${what} spec (at most ${MAX_SPEC_BYTES} bytes).`,
      );
    text = buffer.toString('utf8');
  } catch (err) {
    if (err instanceof SpecError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SpecError(
      path,
      path,
      `is neither a ${what} preset (${presetNames.join(', ')}) nor a readable JSON file (${code}).`,
    );
  }
  return parseJsonText(text, path);
}
