import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../write-atomic.js';
import type { OutputTarget } from './output-path.js';

/** One checked output and how to write it. */
export interface PendingWrite {
  readonly target: OutputTarget;
  readonly write: () => void;
}

/** The usual write: stdout for `-`, else src/write-atomic.ts (atomic, or through a device or FIFO). */
export function fileWrite(target: OutputTarget, data: string): PendingWrite {
  return {
    target,
    write: () => {
      if (target.kind === 'stdout') process.stdout.write(data);
      else writeFileAtomic(target.path, data);
    },
  };
}

/** A write that failed: the error names the output's flag and path, and says why. */
export function outputError(target: OutputTarget, err: unknown): UsageError {
  if (err instanceof UsageError) return err.field === 'path' ? err.withField(target.flag) : err;
  const why = err instanceof Error ? err.message : String(err);
  return new UsageError(
    target.flag,
    target.path,
    `could not be written (${why}); check the folder and the free space.`,
  );
}

/** Writes one output; a failure is a UsageError naming its flag (exit 2). */
export function writeOutput(pending: PendingWrite): void {
  try {
    pending.write();
  } catch (err) {
    throw outputError(pending.target, err);
  }
}

export interface WriteOutcome {
  readonly written: readonly OutputTarget[];
  readonly failed: readonly { readonly target: OutputTarget; readonly error: UsageError }[];
}

/**
 * Writes every output, in order, even when one fails: a failure late in a long run (a folder
 * removed meanwhile, a full disk) must not cost the other outputs. The caller says which failed.
 */
export function writeOutputs(pending: readonly PendingWrite[]): WriteOutcome {
  const written: OutputTarget[] = [];
  const failed: { target: OutputTarget; error: UsageError }[] = [];
  for (const p of pending) {
    try {
      p.write();
      written.push(p.target);
    } catch (err) {
      failed.push({ target: p.target, error: outputError(p.target, err) });
    }
  }
  return { written, failed };
}

/** The lines that say what a partly failed writeOutputs did (empty when everything was written). */
export function describeOutcome(outcome: WriteOutcome): string[] {
  if (outcome.failed.length === 0) return [];
  return [
    ...outcome.failed.map(({ target, error }) => `could not write ${target.flag} ${target.path}: ${error.fix}`),
    ...outcome.written.filter((t) => t.kind !== 'stdout').map((t) => `wrote ${t.flag} ${t.path}`),
  ];
}
