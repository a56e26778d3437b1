import { join } from 'node:path';
import { EXIT_CODES, UsageError } from '../errors.js';
import { OutputPlan, type OutputTarget } from '../io/output-path.js';
import { fileWrite, writeOutput } from '../io/write-outputs.js';
import { toBmf } from '../report/bmf.js';
import { GAB_TOOL, type GabDirection, toGab } from '../report/gab.js';
import { loadReport } from '../report/load.js';
import { choiceFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';

const help = `
Usage: hetbench export REPORT.json --format gab|bmf [options]

Converts a report's metrics for continuous-benchmarking services.

  --format gab      github-action-benchmark's custom JSON: an array of
                    { name, unit, value, range, extra }. The action takes one direction per
                    step, so metrics are split by direction:
                      --out-dir DIR          writes DIR/gab-smaller.json (tool: ${GAB_TOOL.smaller})
                                             and DIR/gab-bigger.json (tool: ${GAB_TOOL.bigger})
                      --direction smaller|bigger [--out FILE]
                                             one array, to FILE or stdout
  --format bmf      Bencher Metric Format: { benchmark: { measure: { value, lower_value,
                    upper_value } } }; metric 'run.lockstep.stepTime' becomes benchmark
                    'run.lockstep', measure 'stepTime'. To --out FILE or stdout.

range / lower_value / upper_value are the 95% bootstrap CI of the median of the samples.
--out - is stdout (the default). An output may not be the report itself.
See docs/ci.md for workflows that use both.
`;

export const exportCommand: Command = defineCommand({
  name: 'export',
  summary: 'export a report for github-action-benchmark (gab) or Bencher (bmf)',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'export',
      argv,
      {
        format: { type: 'string' },
        direction: { type: 'string' },
        out: { type: 'string' },
        'out-dir': { type: 'string' },
      },
      true,
    );
    const [path, ...extra] = positionals;
    if (path === undefined || extra.length > 0)
      throw new UsageError(
        'export',
        positionals.join(' '),
        "needs exactly one report file: 'hetbench export REPORT.json --format gab|bmf'.",
      );
    const rawFormat = stringFlag(values, 'format');
    if (rawFormat === undefined) throw new UsageError('--format', rawFormat, 'is required: gab or bmf.');
    const format = choiceFlag('--format', rawFormat, 'gab', ['gab', 'bmf'] as const);
    const plan = new OutputPlan([path]);
    const out = plan.add('--out', stringFlag(values, 'out'), { dashIsStdout: true });
    const outDir = stringFlag(values, 'out-dir');
    const dirFiles =
      outDir === undefined
        ? null
        : (['smaller', 'bigger'] as const).map((d) => {
            const file = join(plan.addDirectory('--out-dir', outDir), `gab-${d}.json`);
            return { direction: d, target: plan.add('--out-dir', file) as OutputTarget };
          });
    const report = loadReport(path);
    const rawDirection = stringFlag(values, 'direction');
    const emit = (value: unknown, target: OutputTarget | null): void => {
      const text = `${JSON.stringify(value, null, 2)}\n`;
      if (target === null) process.stdout.write(text);
      else writeOutput(fileWrite(target, text));
    };
    if (format === 'bmf') {
      if (outDir !== undefined || rawDirection !== undefined)
        throw new UsageError(
          outDir !== undefined ? '--out-dir' : '--direction',
          outDir ?? rawDirection,
          'applies to --format gab only; for bmf use --out FILE.',
        );
      emit(toBmf(report), out);
      return EXIT_CODES.ok;
    }
    if (outDir !== undefined && dirFiles !== null) {
      if (out !== null || rawDirection !== undefined)
        throw new UsageError('--out-dir', outDir, 'writes both directions; leave out --out and --direction.');
      for (const { direction, target } of dirFiles) emit(toGab(report, direction), target);
      process.stderr.write(
        `wrote ${join(outDir, 'gab-smaller.json')} (${GAB_TOOL.smaller}) and ${join(outDir, 'gab-bigger.json')} (${GAB_TOOL.bigger})\n`,
      );
      return EXIT_CODES.ok;
    }
    if (rawDirection === undefined) {
      throw new UsageError(
        '--direction',
        rawDirection,
        'is needed with --format gab: smaller or bigger (github-action-benchmark takes one direction per step), or use --out-dir DIR for both files.',
      );
    }
    const direction = choiceFlag<GabDirection>('--direction', rawDirection, 'smaller', ['smaller', 'bigger']);
    emit(toGab(report, direction), out);
    return EXIT_CODES.ok;
  },
});
