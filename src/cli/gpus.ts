import { EXIT_CODES } from '../errors.js';
import { catalog } from '../hardware/catalog.js';
import { fmt } from '../report/format.js';
import { formatTable } from '../report/table.js';
import { boolFlag, parseCommandArgs } from './args.js';
import { type Command, defineCommand } from './command.js';
import { printJson } from './output.js';

const help = `
Usage: hetbench gpus [--json]

Lists the GPU catalog: dense BF16/FP16 tensor TFLOPS (never the sparse figure), FP32 TFLOPS,
memory GB, memory bandwidth TB/s, scale-up link GB/s per direction (NVLink or Infinity
Fabric; '-' for PCIe-only cards) and TDP. Every number carries its source; --json prints
them. A cluster spec can add or override GPUs under "gpus" (see docs/spec.md).

Options:
  --json   print the catalog, with sources, as JSON
  -h, --help
`;

export const gpusCommand: Command = defineCommand({
  name: 'gpus',
  summary: 'list the GPU catalog with sourced numbers',
  help,
  run(argv) {
    const { values } = parseCommandArgs('gpus', argv, { json: { type: 'boolean' } });
    if (boolFlag(values, 'json')) {
      printJson({ gpus: catalog });
      return Promise.resolve(EXIT_CODES.ok);
    }
    const rows = catalog.map((g) => [
      g.id,
      g.name,
      fmt(g.bf16DenseTflops, 4),
      fmt(g.fp32Tflops),
      fmt(g.memoryGB),
      fmt(g.memoryBandwidthTBs),
      g.scaleUpGBs === null ? '-' : fmt(g.scaleUpGBs),
      fmt(g.tdpW),
    ]);
    const table = formatTable(
      ['id', 'name', 'BF16 dense TFLOPS', 'FP32 TFLOPS', 'memory GB', 'mem TB/s', 'scale-up GB/s', 'TDP W'],
      rows,
      ['left', 'left'],
    );
    process.stdout.write(`${table}\n\nSources: hetbench gpus --json (every number has one).\n`);
    return Promise.resolve(EXIT_CODES.ok);
  },
});
