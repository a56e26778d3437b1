import { writeStepSummary } from '../report/step-summary.js';
import { writeFileAtomic } from '../write-atomic.js';

/**
 * Where a command's Markdown summary goes: `--md FILE` when given, and always the job summary
 * under GitHub Actions (GITHUB_STEP_SUMMARY), so CI shows results without extra flags.
 * Shared by run, compare and report.
 */
export function emitMarkdown(markdown: string, mdFile: string | undefined): void {
  if (mdFile !== undefined) writeFileAtomic(mdFile, markdown);
  writeStepSummary(markdown);
}
