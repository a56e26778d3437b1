import { spawnSync } from 'node:child_process';
import type { MatmulShape } from '../src/kernels/kernel.js';
import { median } from '../src/stats/quantiles.js';
import { BENCH_REPS } from './kernels.bench.js';

export interface BlasResult {
  readonly shape: MatmulShape;
  /** Median GFLOP/s of np.matmul on float32 (numpy's BLAS sgemm). */
  readonly gflops: number;
  readonly samples: readonly number[];
}

export interface BlasRun {
  readonly results: readonly BlasResult[];
  /** numpy version and the BLAS library threadpoolctl reports, when it is installed. */
  readonly library: string;
}

// Times float32 np.matmul per shape: one warm-up, then `reps` timed calls. Prints one JSON line.
const SCRIPT = `
import json, sys, time
import numpy as np
shapes, reps = json.loads(sys.argv[1]), int(sys.argv[2])
lib = 'numpy ' + np.__version__
try:
    from threadpoolctl import threadpool_info
    info = [i for i in threadpool_info() if i.get('user_api') == 'blas']
    if info:
        i = info[0]
        lib += ' / %s %s (%s, %s threads)' % (i.get('internal_api'), i.get('version'), i.get('architecture'), i.get('num_threads'))
except Exception:
    pass
out = []
rng = np.random.default_rng(1)
for m, n, k in shapes:
    a = rng.random((m, k), dtype=np.float32)
    b = rng.random((k, n), dtype=np.float32)
    np.matmul(a, b)
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        np.matmul(a, b)
        samples.append(2.0 * m * n * k / (time.perf_counter() - t0) / 1e9)
    out.append({'m': m, 'n': n, 'k': k, 'samples': samples})
print(json.dumps({'library': lib, 'results': out}))
`;

/**
 * Native BLAS sgemm (numpy) on the same CPU in the same run: the honest limit for a software
 * adapter. Returns null when python3 or numpy is missing. OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE are removed from this subprocess's environment only: some machines set them
 * to work around old OpenBLAS builds, and they slow a current numpy down.
 */
export function runBlasBench(shapes: readonly MatmulShape[], reps: number = BENCH_REPS.full): BlasRun | null {
  const env = { ...process.env };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  const arg = JSON.stringify(shapes.map((s) => [s.m, s.n, s.k]));
  const r = spawnSync('python3', ['-c', SCRIPT, arg, String(reps)], { env, encoding: 'utf8', timeout: 300_000 });
  if (r.error || r.status !== 0) return null;
  try {
    const parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as {
      library: string;
      results: { m: number; n: number; k: number; samples: number[] }[];
    };
    return {
      library: parsed.library,
      results: parsed.results.map((x) => ({
        shape: { m: x.m, n: x.n, k: x.k },
        samples: x.samples,
        gflops: median(x.samples),
      })),
    };
  } catch {
    return null;
  }
}
