import { EXIT_CODES, UsageError } from '../errors.js';
import { renderHtml } from '../report/html.js';
import { loadReport } from '../report/load.js';
import { renderMarkdown } from '../report/markdown.js';
import { writeFileAtomic } from '../write-atomic.js';
import { parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { emitMarkdown } from './markdown-output.js';

const help = `
Usage: hetbench report REPORT.json [--html FILE] [--md FILE]

Renders a saved report. With no option, prints its Markdown summary.

  --html FILE   one self-contained HTML page (inline SVG and CSS, no scripts, no network):
                a step timeline per policy, utilization per generation, the adaptive policy's
                convergence and the loss decomposition (run reports); kernels and roofline
                (bench reports)
  --md FILE     the Markdown summary
  -h, --help    show this help

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
    const report = loadReport(path);
    const html = stringFlag(values, 'html');
    const md = stringFlag(values, 'md');
    const markdown = renderMarkdown(report);
    if (html !== undefined) {
      writeFileAtomic(html, renderHtml(report));
      process.stderr.write(`wrote ${html}\n`);
    }
    if (html === undefined && md === undefined) process.stdout.write(markdown);
    emitMarkdown(markdown, md);
    return EXIT_CODES.ok;
  },
});
