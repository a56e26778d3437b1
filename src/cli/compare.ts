import { basename } from 'node:path';
import { EXIT_CODES, type ExitCode, UsageError } from '../errors.js';
import { OutputPlan } from '../io/output-path.js';
import { adapterLabel } from '../report/adapter.js';
import {
  type CompareOptions,
  compareReports,
  DEFAULT_COMPARE_OPTIONS,
  MIN_SAMPLES,
  methodSummary,
  testedCount,
} from '../report/compare.js';
import { resolutionText } from '../report/compare-auto.js';
import { checkComparableSamples, checkSameJob } from '../report/compare-input.js';
import { globMatch, MAX_PATTERN_LENGTH } from '../report/compare-pattern.js';
import { comparisonTable, hardwareRows } from '../report/compare-table.js';
import { hardwareTable } from '../report/hardware.js';
import { loadReport } from '../report/load.js';
import { renderComparisonMarkdown, renderHardwareMarkdown } from '../report/markdown.js';
import { policyModuleChanges } from '../report/policy-modules.js';
import type { Report } from '../report/schema.js';
import { formatTable, type Table } from '../report/table.js';
import { boolFlag, choiceFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { emitMarkdown, type MarkdownOutputs, planMarkdown } from './markdown-output.js';
import { paint, printJson, terminalSafe } from './output.js';

const help = `
Usage: hetbench compare BASE.json HEAD.json [options]
       hetbench compare A.json B.json C.json ...

Compares two reports metric by metric and gives each a verdict. A metric regresses only when
the change is significant AND beyond a threshold in its worse direction (each metric says
whether lower or higher is better).

By default (--threshold auto) each metric's threshold comes from the evidence: the figure and
95% interval each report states for it (a run's intervals come from a paired bootstrap over
its rounds; a metric without one uses a bootstrap interval of its samples' median), a z test
of the change against both standard errors, Bonferroni's correction over all the metrics
(so ~30 metrics do not give ~30 chances of a false alarm), and a floor of 2% (1 point for
fractions). Noisy reports need a larger change to count; the table shows each metric's.
With --threshold PCT: a fixed threshold and a Mann-Whitney U test per metric at alpha.
Metrics need an interval or at least ${MIN_SAMPLES} samples per side to be testable.

With more than two reports, or two from different adapters, prints one hardware comparison
table (adapter, kernel GFLOP/s per shape, roofline, straggler figures) instead of verdicts.

Options:
  --threshold auto|PCT
                    auto (default): thresholds from the reports' intervals; PCT: a fixed smallest
                    change that counts, in percent (e.g. 15), with the U test
  --alpha A         family-wise error (auto) or per-metric significance level (PCT); the CI is
                    the (1 - A) interval (default ${DEFAULT_COMPARE_OPTIONS.alpha})
  --format F        text | md | json (default text)
  --force           give verdicts even when the adapters differ
  --allow-different compare run reports of different clusters or workloads (refused otherwise)
  --metrics P[,P]   give verdicts only on metrics whose names match one of the patterns
                    (* matches any run of characters, ? one), e.g. 'run.*.speedup' for the per-round
                    speedups over lockstep, which host drift between runs cannot move
  --insist          give verdicts (and exit 1 on a regression) even when a run report is marked
                    unreliable by its quality verdict; without it such a comparison is inconclusive
  --md FILE         also write the Markdown summary to FILE (not one of the reports)
  -h, --help        show this help

When GITHUB_STEP_SUMMARY is set, the Markdown summary is appended to it (kept under 1 MiB).

Exit codes: 0 no regression (or hardware table, or inconclusive), 1 at least one metric regressed, 2 bad input,
70 internal error (a bug).
See docs/compare.md for the method and its measured error rates.
`;

type Format = 'text' | 'md' | 'json';

export const compareCommand: Command = defineCommand({
  name: 'compare',
  summary: 'compare reports: regression verdicts, or a hardware table across adapters',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'compare',
      argv,
      {
        threshold: { type: 'string' },
        alpha: { type: 'string' },
        format: { type: 'string' },
        force: { type: 'boolean' },
        insist: { type: 'boolean' },
        'allow-different': { type: 'boolean' },
        metrics: { type: 'string' },
        md: { type: 'string' },
      },
      true,
    );
    if (positionals.length < 2)
      throw new UsageError(
        'compare',
        positionals.join(' '),
        "needs at least two report files: 'hetbench compare BASE.json HEAD.json'.",
      );
    const rawThreshold = stringFlag(values, 'threshold');
    const options: CompareOptions = {
      threshold:
        rawThreshold === undefined || rawThreshold === 'auto'
          ? 'auto'
          : numberFlag('--threshold', rawThreshold.replace(/%$/, ''), 5, 0, 1000) / 100,
      alpha: numberFlag('--alpha', stringFlag(values, 'alpha'), DEFAULT_COMPARE_OPTIONS.alpha, 1e-9, 0.5),
    };
    const format = choiceFlag<Format>('--format', stringFlag(values, 'format'), 'text', ['text', 'md', 'json']);
    // Output paths are checked before any report is read or compared (exit 2, naming the flag).
    const mdOutputs = planMarkdown(new OutputPlan(positionals), stringFlag(values, 'md'));
    const metricsFlag = stringFlag(values, 'metrics');
    const keep = metricsFlag === undefined ? null : metricFilter(metricsFlag);
    const inputs = positionals.map((path) => {
      const loaded = loadReport(path);
      const report = keep ? { ...loaded, metrics: loaded.metrics.filter((m) => keep(m.name)) } : loaded;
      checkComparableSamples(report, path);
      return { path, label: basename(path), report };
    });
    checkSameJob(inputs, boolFlag(values, 'allow-different'));
    if (metricsFlag !== undefined && inputs.every((i) => i.report.metrics.length === 0)) {
      throw new UsageError(
        '--metrics',
        metricsFlag,
        "matches no metric of these reports; names look like 'run.minmax.speedup' or 'kernel.tuned.1024x1024x1024.gflops' (see the report's metrics).",
      );
    }
    const inconclusive = boolFlag(values, 'insist') ? null : unreliableNote(inputs);
    return runCompare(inputs, options, format, boolFlag(values, 'force'), mdOutputs, inconclusive);
  },
});

/**
 * A predicate over metric names from comma-separated patterns in which `*` matches any run of
 * characters and `?` one (src/report/compare-pattern.ts: linear, no regular expression).
 */
export function metricFilter(patterns: string): (name: string) => boolean {
  if (patterns.length > MAX_PATTERN_LENGTH)
    throw new UsageError(
      '--metrics',
      patterns,
      `is longer than ${MAX_PATTERN_LENGTH} characters; metric names are short.`,
    );
  const parts = patterns
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0)
    throw new UsageError('--metrics', patterns, "give one or more metric name patterns, e.g. 'run.*.speedup'.");
  return (name) => parts.some((p) => globMatch(p, name));
}

/**
 * Why verdicts between these reports would not count: a run report whose own quality verdict
 * is 'unreliable' (src/report/quality.ts) cannot support a regression call, so the comparison
 * is inconclusive (exit 0) unless --insist is given. Null when every report is usable.
 */
export function unreliableNote(inputs: readonly Input[]): string | null {
  const marked = inputs.filter((i) => i.report.kind === 'run' && i.report.quality?.verdict === 'unreliable');
  if (marked.length === 0) return null;
  const why = marked.map((i) =>
    i.report.kind === 'run' ? `${i.label} (${i.report.quality?.reasons.join('; ') || 'no reason given'})` : i.label,
  );
  return (
    `marked unreliable by its run: ${why.join(', ')}. The comparison is inconclusive: verdicts are shown but ` +
    'do not fail (exit 0). Rerun on a quieter machine or longer (--target-ci, --max-time), or pass --insist to act on them.'
  );
}

interface Input {
  readonly path: string;
  readonly label: string;
  readonly report: Report;
}

function runCompare(
  inputs: readonly Input[],
  options: CompareOptions,
  format: Format,
  force: boolean,
  mdOutputs: MarkdownOutputs,
  inconclusive: string | null,
): ExitCode {
  const [base, head] = inputs;
  if (base === undefined || head === undefined) return EXIT_CODES.badInput;
  // Policies match by name; a user policy whose module changed is said so (stderr: stdout's formats stay as they are).
  if (inputs.length === 2)
    for (const line of policyModuleChanges(base.report, head.report))
      process.stderr.write(`hetbench: note: ${terminalSafe(line, false)}\n`);
  const cmp = inputs.length === 2 ? compareReports(base.report, head.report, options) : null;
  if (cmp === null || (!cmp.sameAdapter && !force)) {
    const note =
      cmp === null
        ? undefined
        : `Different adapters: ${base.label} ran on ${adapterLabel(base.report.environment.adapter)}, ` +
          `${head.label} on ${adapterLabel(head.report.environment.adapter)}. ` +
          'Showing a hardware comparison instead of regression verdicts; pass --force for verdicts.';
    const hw = hardwareTable(inputs);
    emitMarkdown(renderHardwareMarkdown(hw, note), mdOutputs);
    if (format === 'json') printJson({ mode: 'hardware', note: note ?? null, ...hw });
    else if (format === 'md') process.stdout.write(renderHardwareMarkdown(hw, note));
    else
      process.stdout.write(
        `${note === undefined ? '' : `${paint('yellow', terminalSafe(note, false))}\n\n`}${textTable(hardwareRows(hw))}\n`,
      );
    return EXIT_CODES.ok;
  }
  if (cmp.metrics.length === 0) {
    throw new UsageError(
      head.path,
      `${head.report.kind} report`,
      `has no metric in common with ${base.path} (${base.report.kind} report); compare two reports of the same kind and command.`,
    );
  }
  const labels = { base: base.label, head: head.label };
  const md = renderComparisonMarkdown(cmp, labels, inconclusive ?? undefined);
  emitMarkdown(md, mdOutputs);
  if (format === 'json') {
    printJson({
      mode: 'verdicts',
      base: base.path,
      head: head.path,
      method:
        options.threshold === 'auto'
          ? {
              test: "z test of each metric against both reports' 95% intervals, Bonferroni over the metrics, floor 2% / 1 point",
              interval:
                "each report's own interval (a run's paired round bootstrap), else a bootstrap of the samples' median",
            }
          : {
              test: 'mann-whitney-u, two-sided',
              interval: 'percentile bootstrap of the ratio of medians, 2000 resamples, seeded per metric',
            },
      inconclusive,
      ...cmp,
    });
  } else if (format === 'md') {
    process.stdout.write(md);
  } else {
    const warning =
      inconclusive === null ? [] : [paint('yellow', terminalSafe(`inconclusive: ${inconclusive}`, false)), ''];
    const lines = [
      ...warning,
      terminalSafe(`${base.label} → ${head.label} on ${adapterLabel(head.report.environment.adapter)}`, false) +
        `${cmp.sameAdapter ? '' : paint('yellow', ' (adapters differ: --force)')}`,
      methodSummary(options, testedCount(cmp)),
      '',
      textTable(comparisonTable(cmp)),
      '',
      cmp.regressions > 0
        ? paint(
            'red',
            `${cmp.regressions} regression${cmp.regressions === 1 ? '' : 's'}, ${cmp.improvements} improvement${cmp.improvements === 1 ? '' : 's'}`,
          )
        : paint('green', `no regressions, ${cmp.improvements} improvement${cmp.improvements === 1 ? '' : 's'}`),
    ];
    if (cmp.onlyInBase.length > 0)
      lines.push(terminalSafe(`only in ${base.label}: ${cmp.onlyInBase.join(', ')}`, false));
    if (cmp.onlyInHead.length > 0)
      lines.push(terminalSafe(`only in ${head.label}: ${cmp.onlyInHead.join(', ')}`, false));
    if (cmp.resolution !== null) lines.push(paint('yellow', `note: ${resolutionText(cmp.resolution)}`));
    if (inconclusive !== null)
      lines.push(paint('yellow', 'inconclusive: a report is marked unreliable (see above); exit 0'));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return cmp.regressions > 0 && inconclusive === null ? EXIT_CODES.regression : EXIT_CODES.ok;
}

/** Cells come from reports (names, adapters): each is made terminal-safe before it is coloured. */
function textTable(t: Table): string {
  const rows = t.rows.map((cells, i) => {
    const r = cells.map((c) => terminalSafe(c, false));
    const tone = t.tones?.[i];
    if (tone === undefined) return r;
    const style = tone === 'bad' ? 'red' : 'green';
    return r.map((c, j) => (j === r.length - 1 ? paint(style, c) : c));
  });
  // Metric names and verdicts read left to right; numbers line up on the right.
  return formatTable(
    t.header.map((h) => terminalSafe(h, false)),
    rows,
    t.header.map((_, i) => (i === 0 || i === t.header.length - 1 ? 'left' : 'right')),
  );
}
