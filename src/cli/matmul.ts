import { DeviceError, EXIT_CODES, UsageError } from '../errors.js';
import type { Gpu } from '../gpu/open.js';
import { withGpu } from '../gpu/open.js';
import type { MatmulKernel } from '../kernels/kernel.js';
import { flopsOf, type MatmulShape } from '../kernels/kernel.js';
import { matmul, timeMatmul, validateShape } from '../kernels/matmul.js';
import { naiveKernel } from '../kernels/naive.js';
import { probeRoofline } from '../kernels/probe.js';
import { randomMatrix } from '../kernels/random.js';
import { kernelFor } from '../kernels/select.js';
import { parseConfigName, tiledKernel } from '../kernels/tiled.js';
import { verifyProduct } from '../kernels/verify-sampled.js';
import { fmt, pct } from '../report/format.js';
import { boolFlag, intFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { gpuFlagHelp, gpuFlagOptions, gpuOptionsFrom, gpuParameterFlags } from './gpu-flags.js';
import { paint, printJson } from './output.js';

const help = `
Usage: hetbench matmul --m M --n N --k K [--reps R] [--seed S] [--kernel K] [--peak] [--json]

Multiplies a random M x K matrix by a random K x N matrix (f32, row-major) on the GPU,
checks the product against a CPU reference within the documented f32 error bound
(docs/kernels.md; every element up to 2^28 multiply-adds, else 32 rows spread over C),
then times R dispatches and reports the median time and GFLOP/s.

Options:
  --m, --n, --k N        matrix sizes, any integers >= 1 (default 1024 each)
  --reps R               timed repetitions (default 10)
  --seed S               seed of the random inputs (default 1)
  --kernel K             naive (the plain reference kernel), tuned (default: the autotuned kernel
                         for the shape's class, cached on disk), or an f32 config name such as
                         f32-w16x16-r8x8-v4-k1-sg (docs/kernels.md)
  --peak                 also measure the device's FMA peak (hetbench probe) and report the
                         rate as a fraction of it
  --json                 print the result as JSON
${gpuFlagHelp}
  -h, --help

Timing uses GPU timestamps where the adapter has timestamp-query, else the wall clock;
the output says which. Exit codes: 0 ok, 2 bad sizes or flags, 3 no adapter, a GPU
failure, or a product outside the error bound, 70 internal error (a bug).
`;

export const matmulCommand: Command = defineCommand({
  name: 'matmul',
  opensGpu: true,
  summary: 'run one verified matmul on the GPU and time it',
  help,
  flags: { ...gpuParameterFlags, m: '--m', n: '--n', k: '--k', kernel: '--kernel' },
  async run(argv) {
    const { values } = parseCommandArgs('matmul', argv, {
      m: { type: 'string' },
      n: { type: 'string' },
      k: { type: 'string' },
      reps: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      kernel: { type: 'string' },
      peak: { type: 'boolean' },
      ...gpuFlagOptions,
    });
    const shape: MatmulShape = {
      m: intFlag('--m', stringFlag(values, 'm'), 1024, 1, 2 ** 31 - 1),
      n: intFlag('--n', stringFlag(values, 'n'), 1024, 1, 2 ** 31 - 1),
      k: intFlag('--k', stringFlag(values, 'k'), 1024, 1, 2 ** 31 - 1),
    };
    validateShape(shape);
    const reps = intFlag('--reps', stringFlag(values, 'reps'), 10, 1, 10_000);
    const seed = intFlag('--seed', stringFlag(values, 'seed'), 1, 0, 2 ** 32 - 1);
    const a = randomMatrix(shape.m * shape.k, seed);
    const b = randomMatrix(shape.k * shape.n, seed + 1);

    const kernelArg = stringFlag(values, 'kernel') ?? 'tuned';
    const result = await withGpu(gpuOptionsFrom(values), async (gpu) => {
      const kernel = await chooseKernel(gpu, kernelArg, shape);
      const c = await matmul(gpu, a, b, shape, { kernel });
      const verification = verifyProduct(c, a, b, shape);
      if (!verification.ok) {
        throw new DeviceError(
          `${kernel.name} ${shape.m}x${shape.n}x${shape.k}: GPU result outside the f32 error bound ` +
            `(worst element ${verification.worstIndex} at ${fmt(verification.worstRatio)}x the bound)`,
          'mismatch',
        );
      }
      const timing = await timeMatmul(gpu, kernel, shape, reps, 1, { a, b });
      const peak = boolFlag(values, 'peak') ? (await probeRoofline(gpu)).fmaF32Gflops : null;
      return {
        adapter: gpu.info,
        hostPolling: gpu.polling,
        kernel: kernel.name,
        shape,
        reps,
        timing,
        verification,
        peak,
      };
    });

    const { timing, verification } = result;
    const fractionOfPeak = result.peak === null ? null : timing.gflops / result.peak;
    if (boolFlag(values, 'json')) {
      printJson({
        adapter: result.adapter,
        kernel: result.kernel,
        ...shape,
        dtype: 'f32',
        flops: flopsOf(shape),
        timing: timing.method,
        hostPolling: result.hostPolling,
        medianS: timing.medianS,
        gflops: timing.gflops,
        fmaPeakGflops: result.peak,
        fractionOfPeak,
        samplesS: timing.seconds,
        verified: {
          coverage: verification.coverage,
          worstRatioToBound: verification.worstRatio,
          maxAbsError: verification.maxAbsError,
        },
      });
      return EXIT_CODES.ok;
    }
    const coverage = verification.coverage === 'full' ? 'every element' : `${verification.coverage.rows} sampled rows`;
    const label =
      timing.method === 'gpu-timestamp' ? 'GPU timestamps' : paint('yellow', 'wall clock (no timestamp-query)');
    process.stdout.write(
      `${[
        `matmul ${shape.m}x${shape.n}x${shape.k} f32 on ${result.adapter.description || result.adapter.device}`,
        `  kernel    ${result.kernel}`,
        `  verified  ${paint('green', 'ok')}: ${coverage} within the f32 bound ` +
          `(worst ${fmt(verification.worstRatio, 2)}x of bound, max |err| ${fmt(verification.maxAbsError, 2)})`,
        `  time      ${fmt(timing.medianS * 1e3)} ms median of ${timing.seconds.length} (${label}; host polling ${result.hostPolling})`,
        `  rate      ${paint('bold', `${fmt(timing.gflops)} GFLOP/s`)}${
          fractionOfPeak === null
            ? ''
            : `, ${pct(fractionOfPeak)} of the measured f32 FMA peak (${fmt(result.peak ?? 0)} GFLOP/s)`
        }`,
      ].join('\n')}\n`,
    );
    return EXIT_CODES.ok;
  },
});

/** --kernel: the reference kernel, the tuned choice, or one named f32 config. */
async function chooseKernel(gpu: Gpu, arg: string, shape: MatmulShape): Promise<MatmulKernel> {
  if (arg === 'naive') return naiveKernel;
  if (arg === 'tuned') return kernelFor(gpu, shape, 'f32');
  const config = parseConfigName(arg);
  if (config?.dtype !== 'f32') {
    throw new UsageError(
      '--kernel',
      arg,
      'must be naive, tuned, or an f32 config name such as f32-w16x16-r8x8-v4-k1-sg (docs/kernels.md).',
    );
  }
  return tiledKernel(config);
}
