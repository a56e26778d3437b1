import { EXIT_CODES } from '../errors.js';
import { describeGpu, type GpuDescription } from '../gpu/describe.js';
import { withGpu } from '../gpu/open.js';
import { boolFlag, parseCommandArgs } from './args.js';
import { type Command, defineCommand } from './command.js';
import { gpuFlagHelp, gpuFlagOptions, gpuOptionsFrom, gpuParameterFlags } from './gpu-flags.js';
import { paint, printJson } from './output.js';

const help = `
Usage: hetbench doctor [--json] [--quiet] [--backend NAME] [--adapter TEXT]

Opens the local WebGPU device (Dawn) and shows the adapter (vendor, architecture, device,
description), the backend, whether it is a software/fallback adapter, its features, the
features hetbench enabled, how kernels will be timed, and the limits that bound kernels.

Options:
  --json                 print the description as JSON
  --quiet                print nothing; exit 0 when an adapter opens, 3 when none does
${gpuFlagHelp}
  -h, --help

Exit codes: 0 ok, 2 bad flag, 3 no adapter (the message says what to install), 70 internal
error (a bug).
`;

export const doctorCommand: Command = defineCommand({
  name: 'doctor',
  opensGpu: true,
  summary: 'show the WebGPU adapter, backend, features and limits',
  help,
  flags: gpuParameterFlags,
  async run(argv) {
    const { values } = parseCommandArgs('doctor', argv, {
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      ...gpuFlagOptions,
    });
    const quiet = boolFlag(values, 'quiet');
    const description = await withGpu({ ...gpuOptionsFrom(values), ...(quiet ? { onWarning: () => {} } : {}) }, (gpu) =>
      Promise.resolve(describeGpu(gpu)),
    );
    if (quiet) return EXIT_CODES.ok;
    if (boolFlag(values, 'json')) printJson(description);
    else process.stdout.write(renderDoctor(description));
    return EXIT_CODES.ok;
  },
});

export function renderDoctor(d: GpuDescription): string {
  const a = d.adapter;
  const yes = (b: boolean): string => (b ? paint('green', 'yes') : paint('yellow', 'no'));
  const lines = [
    `${paint('bold', 'adapter')}      ${a.description || a.device}`,
    `  vendor       ${a.vendor}`,
    `  architecture ${a.architecture}`,
    `  device       ${a.device}`,
    `  backend      ${a.backend}`,
    `  software     ${d.software ? paint('yellow', "yes (CPU emulation: figures are not a GPU's)") : 'no'}`,
    `${paint('bold', 'enabled')}`,
    `  timestamp-query ${yes(d.enabled.timestampQuery)}`,
    `  shader-f16      ${yes(d.enabled.shaderF16)}`,
    `  subgroups       ${yes(d.enabled.subgroups)}`,
    `  timing          ${d.timing === 'gpu-timestamp' ? 'GPU timestamps' : paint('yellow', 'wall clock (no timestamp-query)')}`,
    `${paint('bold', 'limits')}`,
    ...Object.entries(d.limits).map(([k, v]) => `  ${k.padEnd(35)} ${v.toLocaleString('en-US')}`),
    `${paint('bold', 'features')}     ${d.features.join(', ')}`,
    `${paint('bold', 'dawn flags')}   ${d.dawnFlags.join(' ')}`,
    `${paint('bold', 'host polling')} ${
      d.polling === 'timer'
        ? 'timer (the host sleeps between polls, leaving the CPU to the adapter)'
        : 'busy (one host core spins while waiting)'
    }`,
  ];
  return `${lines.join('\n')}\n`;
}
