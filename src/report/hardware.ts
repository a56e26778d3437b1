import type { Roofline } from '../kernels/roofline.js';
import type { PolicyName } from '../policy/policy.js';
import { adapterLabel } from './adapter.js';
import type { Report } from './schema.js';

/**
 * The hardware comparison: one row per report, for reports from different adapters where a
 * regression verdict would be meaningless. Kernel columns are the best GFLOP/s any kernel
 * reached at each shape and dtype (what the hardware can do, not which kernel won).
 */
export interface HardwareRow {
  readonly label: string;
  readonly kind: Report['kind'];
  readonly adapter: string;
  readonly timing: string;
  /** Best GFLOP/s per shape key ('1024³ f32', or '4096x1024x512 f16' when not square). */
  readonly kernels: Readonly<Record<string, number>>;
  readonly roofline: Roofline | null;
  /** Lockstep's measured straggler loss, step time, and the policy with the best measured speedup. */
  readonly straggler: {
    readonly lockstepLoss: number;
    readonly lockstepStepS: number;
    readonly bestPolicy: PolicyName;
    readonly bestSpeedup: number;
  } | null;
}

export interface HardwareTable {
  readonly shapes: readonly string[];
  readonly rows: readonly HardwareRow[];
}

export function hardwareTable(inputs: readonly { readonly label: string; readonly report: Report }[]): HardwareTable {
  const rows = inputs.map(({ label, report }) => hardwareRow(label, report));
  const flops = new Map<string, number>();
  for (const { report } of inputs)
    if (report.kind === 'bench')
      for (const k of report.kernels) flops.set(shapeKey(k.m, k.n, k.k, k.dtype), k.m * k.n * k.k);
  // Small shapes first, then by dtype, so the columns read left to right like a size sweep.
  const shapes = [...new Set(rows.flatMap((r) => Object.keys(r.kernels)))].sort(
    (a, b) => (flops.get(a) ?? 0) - (flops.get(b) ?? 0) || a.localeCompare(b),
  );
  return { shapes, rows };
}

function hardwareRow(label: string, report: Report): HardwareRow {
  const kernels: Record<string, number> = {};
  let roofline: Roofline | null = null;
  let straggler: HardwareRow['straggler'] = null;
  if (report.kind === 'bench') {
    for (const k of report.kernels) {
      const key = shapeKey(k.m, k.n, k.k, k.dtype);
      kernels[key] = Math.max(kernels[key] ?? 0, k.gflops);
    }
    roofline = report.roofline;
  } else {
    const lock = report.policies.find((p) => p.policy === 'lockstep');
    const best = [...report.policies].sort((a, b) => b.measured.speedup - a.measured.speedup)[0];
    if (lock !== undefined && best !== undefined) {
      straggler = {
        lockstepLoss: lock.measured.stragglerLoss,
        lockstepStepS: lock.measured.stepS,
        bestPolicy: best.policy,
        bestSpeedup: best.measured.speedup,
      };
    }
  }
  return {
    label,
    kind: report.kind,
    adapter: adapterLabel(report.environment.adapter),
    timing: report.environment.timing,
    kernels,
    roofline,
    straggler,
  };
}

/** Column key: '1024³ f32' for square GEMMs (short headers), 'MxNxK dtype' otherwise. */
export function shapeKey(m: number, n: number, k: number, dtype: string): string {
  return m === n && n === k ? `${m}³ ${dtype}` : `${m}x${n}x${k} ${dtype}`;
}
