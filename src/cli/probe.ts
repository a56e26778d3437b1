import { EXIT_CODES } from '../errors.js';
import { withGpu } from '../gpu/open.js';
import { probeRoofline } from '../kernels/probe.js';
import { fmt } from '../report/format.js';
import { boolFlag, intFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { gpuFlagHelp, gpuFlagOptions, gpuOptionsFrom, gpuParameterFlags } from './gpu-flags.js';
import { printJson } from './output.js';

const help = `
Usage: hetbench probe [--json] [--reps R] [--quick] [--backend NAME] [--adapter TEXT]

Measures the local device's roofline with dedicated WGSL micro-kernels (docs/kernels.md):
  - peak FMA throughput, GFLOP/s: independent vec4 fma chains in registers, f32 and, where
    the adapter has shader-f16, f16
  - memory bandwidth, GB/s: a vec4 buffer copy, counting bytes read + bytes written
Matmul figures elsewhere are reported as a fraction of the measured FMA peak.

Options:
  --json                 print the roofline as JSON
  --reps R               timed repetitions per micro-kernel, median reported (default 5)
  --quick                at most 2 repetitions (a fast, noisier figure)
${gpuFlagHelp}
  -h, --help

Exit codes: 0 ok, 2 bad flag, 3 no adapter or a GPU failure, 70 internal error (a bug).
`;

export const probeCommand: Command = defineCommand({
  name: 'probe',
  opensGpu: true,
  summary: "measure the device's roofline: FMA peak (f32, f16) and memory bandwidth",
  help,
  flags: gpuParameterFlags,
  async run(argv) {
    const { values } = parseCommandArgs('probe', argv, {
      json: { type: 'boolean' },
      reps: { type: 'string' },
      quick: { type: 'boolean' },
      ...gpuFlagOptions,
    });
    const requested = intFlag('--reps', stringFlag(values, 'reps'), 5, 1, 1000);
    const reps = boolFlag(values, 'quick') ? Math.min(requested, 2) : requested;
    const { adapter, hostPolling, roofline } = await withGpu(gpuOptionsFrom(values), async (gpu) => ({
      adapter: gpu.info,
      hostPolling: gpu.polling,
      roofline: await probeRoofline(gpu, { reps }),
    }));
    if (boolFlag(values, 'json')) {
      printJson({ adapter, hostPolling, ...roofline });
      return EXIT_CODES.ok;
    }
    const timing = roofline.method === 'gpu-timestamp' ? 'GPU timestamps' : 'wall clock (no timestamp-query)';
    process.stdout.write(
      `${[
        `roofline of ${adapter.description || adapter.device} ` +
          `(${adapter.backend}${adapter.isFallbackAdapter ? ', software' : ''}), ` +
          `median of ${reps}, ${timing}, host polling ${hostPolling}`,
        `  FMA peak f32   ${fmt(roofline.fmaF32Gflops)} GFLOP/s`,
        `  FMA peak f16   ${roofline.fmaF16Gflops === null ? 'n/a (no shader-f16)' : `${fmt(roofline.fmaF16Gflops)} GFLOP/s`}`,
        `  bandwidth      ${fmt(roofline.bandwidthGBs)} GB/s (read + write)`,
        `  ridge point    ${fmt(roofline.fmaF32Gflops / roofline.bandwidthGBs)} FLOP/byte (f32)`,
      ].join('\n')}\n`,
    );
    return EXIT_CODES.ok;
  },
});
