import type { OutputOptions, OutputPlan, OutputTarget } from '../io/output-path.js';
import { fileWrite, type PendingWrite, writeOutput } from '../io/write-outputs.js';
import { writeStepSummary } from '../report/step-summary.js';

/**
 * Where a command's Markdown summary goes: `--md FILE` when given, and always the job summary
 * under GitHub Actions (GITHUB_STEP_SUMMARY), so CI shows results without extra flags.
 * Shared by run, compare and report. Both paths are checked (plan) before the command's work.
 */
export interface MarkdownOutputs {
  readonly md: OutputTarget | null;
  readonly stepSummary: OutputTarget | null;
}

export const STEP_SUMMARY_VARIABLE = 'GITHUB_STEP_SUMMARY';

/** Checks `--md` and GITHUB_STEP_SUMMARY (appended to, so it may exist; not a folder, not an input). */
export function planMarkdown(
  plan: OutputPlan,
  mdFile: string | undefined,
  options: OutputOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): MarkdownOutputs {
  const md = plan.add('--md', mdFile, options);
  const summary = env[STEP_SUMMARY_VARIABLE];
  return { md, stepSummary: summary === undefined || summary === '' ? null : plan.add(STEP_SUMMARY_VARIABLE, summary) };
}

/** The writes of a Markdown summary: the --md file, then the appended step summary. */
export function markdownWrites(markdown: string, outputs: MarkdownOutputs): PendingWrite[] {
  const writes: PendingWrite[] = [];
  if (outputs.md !== null) writes.push(fileWrite(outputs.md, markdown));
  const summary = outputs.stepSummary;
  if (summary !== null)
    writes.push({
      target: summary,
      write: () => void writeStepSummary(markdown, { GITHUB_STEP_SUMMARY: summary.path }),
    });
  return writes;
}

/** Writes the summary now; a failure is bad input naming --md or GITHUB_STEP_SUMMARY (exit 2). */
export function emitMarkdown(markdown: string, outputs: MarkdownOutputs): void {
  for (const write of markdownWrites(markdown, outputs)) writeOutput(write);
}
