import type { Gpu } from '../gpu/open.js';
import type { PassEncoder } from '../gpu/timer.js';
import type { MatmulKernel, MatmulShape } from '../kernels/kernel.js';
import { prepareMatmul, type PreparedMatmul } from '../kernels/matmul.js';
import { randomMatrix } from '../kernels/random.js';
import { splitUnits, withTokens, type LocalUnit } from './local-unit.js';

/** Picks the kernel for one shape (the tuned choice in production, a fixed one in tests). */
export type KernelChooser = (gpu: Gpu, shape: MatmulShape) => Promise<MatmulKernel>;

/**
 * Runs amounts of local work measured in units (see local-unit.ts) as one compute pass:
 * `whole` repetitions of the unit's GEMMs, then the partial unit. Buffers and pipelines are
 * prepared once per distinct shape and reused; inputs are random (a GPU multiplying zeros
 * draws less power and can run faster than on real data).
 */
export class UnitExecutor {
  private readonly partials = new Map<number, PreparedMatmul[]>();

  private constructor(
    private readonly gpu: Gpu,
    readonly unit: LocalUnit,
    private readonly chooseKernel: KernelChooser,
    private readonly full: PreparedMatmul[],
  ) {}

  static async create(gpu: Gpu, unit: LocalUnit, chooseKernel: KernelChooser): Promise<UnitExecutor> {
    const full: PreparedMatmul[] = [];
    for (const g of unit.gemms) full.push(await prepare(gpu, chooseKernel, g.shape));
    await warmUp(gpu, full);
    return new UnitExecutor(gpu, unit, chooseKernel, full);
  }

  /** A pass encoder doing `units` units of work; prepares the partial unit's shapes on first use. */
  async work(units: number): Promise<PassEncoder> {
    const { whole, partialTokens } = splitUnits(units, this.unit.tokens);
    let partial: PreparedMatmul[] = [];
    if (partialTokens > 0) {
      const cached = this.partials.get(partialTokens);
      if (cached) partial = cached;
      else {
        for (const g of this.unit.gemms) partial.push(await prepare(this.gpu, this.chooseKernel, withTokens(g, partialTokens)));
        this.partials.set(partialTokens, partial);
        await warmUp(this.gpu, partial);
      }
    }
    const full = this.full;
    return (pass) => {
      for (let r = 0; r < whole; r++) for (const mm of full) mm.dispatch(pass);
      for (const mm of partial) mm.dispatch(pass);
    };
  }

  destroy(): void {
    for (const mm of this.full) mm.destroy();
    for (const list of this.partials.values()) for (const mm of list) mm.destroy();
    this.partials.clear();
  }
}

/**
 * Runs freshly prepared GEMMs once, untimed: the first dispatch of a pipeline and the first
 * touch of new buffers pay one-off costs (lazy driver work, page faults) that are no part of
 * a training step and would otherwise land in the first measured step.
 */
async function warmUp(gpu: Gpu, list: readonly PreparedMatmul[]): Promise<void> {
  const encoder = gpu.device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (const mm of list) mm.dispatch(pass);
  pass.end();
  gpu.device.queue.submit([encoder.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
}

async function prepare(gpu: Gpu, chooseKernel: KernelChooser, shape: MatmulShape): Promise<PreparedMatmul> {
  const kernel = await chooseKernel(gpu, shape);
  return prepareMatmul(gpu, kernel, shape, { a: randomMatrix(shape.m * shape.k, shape.m + 31 * shape.k), b: randomMatrix(shape.k * shape.n, shape.n + 17 * shape.k) });
}
