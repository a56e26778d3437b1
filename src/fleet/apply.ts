import { UsageError } from '../errors.js';
import type { GpuSpec } from '../hardware/types.js';
import type { FleetFile, FleetGeneration } from './fleet-file.js';

/**
 * How a fleet file enters the model (`--fleet FILE` of plan, simulate and run; docs/fleet.md):
 * a small seam, two parts.
 *  - Speed: each measured generation's GpuSpec has its compute (bf16 and fp32 peaks) scaled by
 *    its speed factor. Generations are compared at their healthy (median node) speed relative
 *    to a reference generation, the measured one with most nodes: factor = (measured ratio to
 *    the reference) / (datasheet fp32 ratio to the reference) / meanTimeRatio. The reference's
 *    factor is 1 / its meanTimeRatio, so a single-generation fleet changes only by its slow
 *    nodes; a generation measured relatively slower than its datasheet says is slowed.
 *    (The nodes run f32 WGSL kernels, so ratios are compared with the datasheets' fp32 ratio.)
 *  - Jitter: the fleet's empirical jitter samples (simulate's slowest-of-n tail) unless the
 *    command's own --jitter is given.
 * Generations of the fleet that the cluster does not have are ignored; a fleet sharing none is bad input.
 */
export interface AppliedFleet {
  readonly gpus: readonly GpuSpec[];
  readonly factors: readonly { readonly gpu: string; readonly factor: number }[];
  readonly jitterSamples: readonly number[];
}

export function applyFleet(
  fleet: FleetFile,
  gpus: readonly GpuSpec[],
  clusterGpuIds: readonly string[],
  source: string,
): AppliedFleet {
  const used = fleet.generations.filter((g) => clusterGpuIds.includes(g.gpu) && gpus.some((s) => s.id === g.gpu));
  if (used.length === 0)
    throw new UsageError(
      '--fleet',
      source,
      `names no GPU generation of the cluster (fleet: ${fleet.generations.map((g) => g.gpu).join(', ') || 'none labelled'}; ` +
        `cluster: ${clusterGpuIds.join(', ')}); label nodes with fleet node --gpu GEN.`,
    );
  const reference = [...used].sort((a, b) => b.nodes - a.nodes || (a.gpu < b.gpu ? -1 : 1))[0] as FleetGeneration;
  const spec = (id: string): GpuSpec => gpus.find((g) => g.id === id) as GpuSpec;
  const refSpec = spec(reference.gpu);
  const factors = used.map((g) => {
    const measured = g.healthyGflops / reference.healthyGflops;
    const datasheet = spec(g.gpu).fp32Tflops / refSpec.fp32Tflops;
    return { gpu: g.gpu, factor: measured / datasheet / g.meanTimeRatio };
  });
  const note = (f: number) => `scaled by ${f.toPrecision(4)}: measured fleet speed (${source})`;
  return {
    gpus: gpus.map((g) => {
      const f = factors.find((x) => x.gpu === g.id)?.factor;
      if (f === undefined) return g;
      return {
        ...g,
        bf16DenseTflops: g.bf16DenseTflops * f,
        fp32Tflops: g.fp32Tflops * f,
        sources: {
          ...g.sources,
          bf16DenseTflops: { ...g.sources.bf16DenseTflops, note: note(f) },
          fp32Tflops: { ...g.sources.fp32Tflops, note: note(f) },
        },
      };
    }),
    factors,
    jitterSamples: fleet.jitter.samples,
  };
}
