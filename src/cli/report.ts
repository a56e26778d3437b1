import { EXIT_CODES, UsageError } from '../errors.js';
import { OutputPlan } from '../io/output-path.js';
import { fileWrite, writeOutput } from '../io/write-outputs.js';
import { renderHtml } from '../report/html.js';
import { loadReport } from '../report/load.js';
import { renderMarkdown } from '../report/markdown.js';
import { parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { emitMarkdown, planMarkdown } from './markdown-output.js';

const help = `
Usage: hetbench report REPORT.json [--html FILE] [--md FILE]

Renders a saved report. With no option, prints its Markdown summary.

  --html FILE   one self-contained HTML page (inline SVG and CSS, no scripts, no network):
                a step timeline per policy, utilization per generation, the adaptive policy's
                convergence and the loss decomposition (run reports); kernels and roofline
                (bench reports)
  --md FILE     the Markdown summary
  -h, --help    show this help

FILE may be - (stdout). An output may not be the report itself, nor the other output.
When GITHUB_STEP_SUMMARY is set, the Markdown summary is appended to it (kept under 1 MiB).
`;

export const reportCommand: Command = defineCommand({
  name: 'report',
  summary: 'render a saved report as HTML (SVG charts) or Markdown',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'report',
      argv,
      { html: { type: 'string' }, md: { type: 'string' } },
      true,
    );
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0)
      throw new UsageError(
        'report',
        positionals.join(' '),
        "needs exactly one report file: 'hetbench report REPORT.json --html FILE'.",
      );
    const plan = new OutputPlan([path]);
    const html = plan.add('--html', stringFlag(values, 'html'), { dashIsStdout: true });
    const markdownOutputs = planMarkdown(plan, stringFlag(values, 'md'), { dashIsStdout: true });
    const report = loadReport(path);
    const markdown = renderMarkdown(report);
    if (html !== null) {
      writeOutput(fileWrite(html, renderHtml(report)));
      if (html.kind !== 'stdout') process.stderr.write(`wrote ${html.path}\n`);
    }
    if (html === null && markdownOutputs.md === null) process.stdout.write(markdown);
    emitMarkdown(markdown, markdownOutputs);
    return EXIT_CODES.ok;
  },
});
