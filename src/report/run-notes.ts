import { fmt } from './format.js';
import type { RunReport } from './schema.js';

/**
 * Plain sentences about how a run was made that every output states (terminal, Markdown, HTML):
 * a `--slow` what-if, and each class's measured over modelled compute time. Text only: each
 * writer escapes it for its format.
 */
export function runNotes(r: RunReport): string[] {
  const notes = Object.entries(r.inputs.slow ?? {}).map(
    ([gen, f]) => `what-if: ${gen} x${f} slower (the model does not know)`,
  );
  const measured = r.classes.flatMap((c) =>
    c.measured
      ? [`${c.gpu} ${fmt(c.measured.computeRatio, 3)}x [${fmt(c.measured.ci[0], 3)}, ${fmt(c.measured.ci[1], 3)}]`]
      : [],
  );
  if (measured.length > 0) notes.push(`measured/modelled compute time per class: ${measured.join(', ')}`);
  return notes;
}
