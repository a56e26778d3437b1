import type { Gpu } from '../gpu/open.js';
import { matmul } from '../kernels/matmul.js';
import { naiveKernel } from '../kernels/naive.js';
import { randomMatrix } from '../kernels/random.js';
import { referenceMatmul, verifyMatmul } from '../kernels/reference.js';
import { kernelFor } from '../kernels/select.js';

/** One product checked in the page. */
export interface MatmulCheck {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** 'naive' (shaders/matmul-naive.wgsl) or the tiled kernel kernelFor picks (its config name). */
  readonly kernel: string;
  readonly ok: boolean;
  /** Largest |gpu - reference| / f32 bound (<= 1 passes). */
  readonly worstRatio: number;
  readonly length: number;
}

/**
 * C = A x B on the page's device, with the reference kernel and with the tiled kernel the
 * library picks (static default: no tuning), each checked element by element against the f64
 * CPU reference within the f32 error bound (kernels/reference.ts). Seeded inputs, as the Node
 * tests use, so a failure replays.
 */
export async function checkMatmuls(
  gpu: Gpu,
  shapes: readonly (readonly [number, number, number])[],
): Promise<MatmulCheck[]> {
  const out: MatmulCheck[] = [];
  for (const [m, n, k] of shapes) {
    const shape = { m, n, k };
    const a = randomMatrix(m * k, m * 7919 + k);
    const b = randomMatrix(k * n, n * 104729 + k);
    const reference = referenceMatmul(a, b, shape);
    const tiled = await kernelFor(gpu, shape, 'f32', { autotune: false });
    for (const kernel of [naiveKernel, tiled]) {
      const c = await matmul(gpu, a, b, shape, { kernel });
      const check = verifyMatmul(c, reference, k);
      out.push({ m, n, k, kernel: kernel.name, ok: check.ok, worstRatio: check.worstRatio, length: c.length });
    }
  }
  return out;
}
