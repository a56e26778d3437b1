import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { appendFileSafely } from '../write-atomic.js';

/**
 * GitHub Actions shows at most 1 MiB of a step's summary (GITHUB_STEP_SUMMARY) and fails the
 * upload beyond that, so what is appended is cut to keep the whole file under the limit,
 * with a note saying so. A no-op outside Actions. The file is appended to (a character device or
 * FIFO is written through; a directory is bad input naming GITHUB_STEP_SUMMARY), never replaced.
 */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;
const MARGIN = 1024;
const TRUNCATED = '\n\n_(hetbench: summary truncated to stay under the 1 MiB step-summary limit)_\n';

/** Returns the path written to, or null when GITHUB_STEP_SUMMARY is not set. */
export function writeStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env['GITHUB_STEP_SUMMARY'];
  if (path === undefined || path === '') return null;
  let existing = 0;
  try {
    const stats = statSync(path);
    existing = stats.isFile() ? stats.size : 0;
  } catch {
    existing = 0;
  }
  const room = STEP_SUMMARY_LIMIT - MARGIN - existing;
  const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  const bytes = Buffer.byteLength(text);
  try {
    if (bytes <= room) {
      appendFileSafely(path, text);
    } else if (room > Buffer.byteLength(TRUNCATED)) {
      const cut = cutUtf8(text, room - Buffer.byteLength(TRUNCATED));
      appendFileSafely(path, Buffer.concat([cut, Buffer.from(TRUNCATED)]));
    }
  } catch (err) {
    throw err instanceof UsageError && err.field === 'path' ? err.withField('GITHUB_STEP_SUMMARY') : err;
  }
  return path;
}

/** The first `max` bytes of text, cut at a line end (never inside a multi-byte character or table row). */
function cutUtf8(text: string, max: number): Buffer {
  const buf = Buffer.from(text).subarray(0, max);
  const nl = buf.lastIndexOf(0x0a);
  return nl > 0 ? buf.subarray(0, nl + 1) : Buffer.alloc(0);
}
