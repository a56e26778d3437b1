import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES, UsageError } from '../errors.js';
import { FleetMerge } from '../fleet/merge.js';
import { readFleetInput } from '../fleet/node-file.js';
import { DEFAULT_RULE } from '../fleet/slow-rule.js';
import { OutputPlan } from '../io/output-path.js';
import { describeOutcome, fileWrite, type PendingWrite, writeOutputs } from '../io/write-outputs.js';
import { boolFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { renderFleetHtml, renderFleetMarkdown, renderFleetText } from './fleet-render.js';
import { printJson } from './output.js';

const help = `
Usage: hetbench fleet merge FILES|DIRS... [--json] [--md FILE] [--html FILE] [--out FLEET.json]

Merges node files (fleet node --out) and merged fleet files (fleet merge --out) into the fleet
report (docs/fleet.md): nodes grouped by generation label (fleet node --gpu), else by adapter;
per group the speed distribution (median, IQR, MAD, p5/p95) and the noise (step-time CV);
slow nodes flagged with how much slower; and the fleet file that plan, simulate and run take as
--fleet FILE (per-generation measured speed, the empirical jitter). A folder stands for its
*.json files. Files are read one at a time and only per-node summaries are kept.

Options:
  --json                 print the fleet file's JSON to stdout (instead of the table)
  --out FILE             write the fleet file (schemas/fleet.schema.json)
  --md FILE              write the report as Markdown
  --html FILE            write the report as HTML
  --z Z                  robust z-score a slow node exceeds (default ${DEFAULT_RULE.z})
  --min-slowdown F       and the least relative slowdown, 0..10 (default ${DEFAULT_RULE.minSlowdown}: 10% slower)
  --min-group N          smallest group that flags slow nodes (default ${DEFAULT_RULE.minGroup})
  -h, --help

A file from another tool, kind or schema version, a node given twice, nodes of different
--workload, or no file at all is bad input (exit 2 naming the file); nodes measured with
different hetbench versions merge with a warning.
Exit codes: 0 ok, 2 bad input, 70 internal error.
`;

/**
 * A folder argument stands for its *.json files, in name order: 100,000 node files do not fit
 * on one command line (ARG_MAX), a results folder does.
 */
function expandDirectories(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      // Not there: readFleetInput names it.
    }
    if (!isDir) files.push(arg);
    else
      for (const name of readdirSync(arg)
        .filter((n) => n.endsWith('.json'))
        .sort())
        files.push(join(arg, name));
  }
  return files;
}

export const fleetMergeCommand: Command = defineCommand({
  name: 'fleet merge',
  summary: 'merge node files into the fleet report and the fleet file',
  help,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      'fleet merge',
      argv,
      {
        json: { type: 'boolean' },
        out: { type: 'string' },
        md: { type: 'string' },
        html: { type: 'string' },
        z: { type: 'string' },
        'min-slowdown': { type: 'string' },
        'min-group': { type: 'string' },
      },
      true,
    );
    if (positionals.length === 0)
      throw new UsageError('FILES', [], 'needs at least one node file (fleet node --out) or fleet file to merge.');
    const rule = {
      z: numberFlag('--z', stringFlag(values, 'z'), DEFAULT_RULE.z, 0, 1000),
      minSlowdown: numberFlag('--min-slowdown', stringFlag(values, 'min-slowdown'), DEFAULT_RULE.minSlowdown, 0, 10),
      minGroup: intFlag('--min-group', stringFlag(values, 'min-group'), DEFAULT_RULE.minGroup, 1, 1_000_000),
    };
    const files = expandDirectories(positionals);
    if (files.length === 0)
      throw new UsageError('FILES', positionals, 'names no .json file to merge (a folder is merged file by file).');
    const plan = new OutputPlan(files);
    const out = plan.add('--out', stringFlag(values, 'out'));
    const md = plan.add('--md', stringFlag(values, 'md'));
    const html = plan.add('--html', stringFlag(values, 'html'));
    const merge = new FleetMerge();
    for (const file of files) {
      const input = readFleetInput(file);
      if (input.kind === 'fleet-node') merge.addNode(input.report, file);
      else merge.addFleet(input.fleet, file);
    }
    const fleet = merge.finish(rule);
    const writes: PendingWrite[] = [];
    if (out !== null) writes.push(fileWrite(out, `${JSON.stringify(fleet)}\n`));
    if (md !== null) writes.push(fileWrite(md, renderFleetMarkdown(fleet)));
    if (html !== null) writes.push(fileWrite(html, renderFleetHtml(fleet)));
    const outcome = writeOutputs(writes);
    for (const w of fleet.warnings) process.stderr.write(`hetbench: warning: ${w}\n`);
    for (const line of describeOutcome(outcome)) process.stderr.write(`hetbench: ${line}\n`);
    if (boolFlag(values, 'json')) printJson(fleet);
    else process.stdout.write(`${renderFleetText(fleet)}\n`);
    return outcome.failed.length > 0 ? EXIT_CODES.badInput : EXIT_CODES.ok;
  },
});
