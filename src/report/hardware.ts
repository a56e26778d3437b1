import { adapterLabel } from './adapter.js';
import type { Report, Roofline } from './schema.js';

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
  /** Best GFLOP/s per 'MxNxK dtype'. */
  readonly kernels: Readonly<Record<string, number>>;
  readonly roofline: Roofline | null;
  /** Lockstep's measured straggler loss, step time, and the policy with the best measured speedup. */
  readonly straggler: { readonly lockstepLoss: number; readonly lockstepStepS: number; readonly bestPolicy: string; readonly bestSpeedup: number } | null;
}

export interface HardwareTable {
  readonly shapes: readonly string[];
  readonly rows: readonly HardwareRow[];
}

export function hardwareTable(inputs: readonly { readonly label: string; readonly report: Report }[]): HardwareTable {
  const rows = inputs.map(({ label, report }) => hardwareRow(label, report));
  const shapes = [...new Set(rows.flatMap((r) => Object.keys(r.kernels)))].sort(byShape);
  return { shapes, rows };
}

function hardwareRow(label: string, report: Report): HardwareRow {
  const kernels: Record<string, number> = {};
  let roofline: Roofline | null = null;
  let straggler: HardwareRow['straggler'] = null;
  if (report.kind === 'bench') {
    for (const k of report.kernels) {
      const key = `${k.m}x${k.n}x${k.k} ${k.dtype}`;
      kernels[key] = Math.max(kernels[key] ?? 0, k.gflops);
    }
    roofline = report.roofline;
  } else {
    const lock = report.policies.find((p) => p.policy === 'lockstep');
    const best = [...report.policies].sort((a, b) => b.measured.speedup - a.measured.speedup)[0];
    if (lock !== undefined && best !== undefined) {
      straggler = { lockstepLoss: lock.measured.stragglerLoss, lockstepStepS: lock.measured.stepS, bestPolicy: best.policy, bestSpeedup: best.measured.speedup };
    }
  }
  return { label, kind: report.kind, adapter: adapterLabel(report.environment.adapter), timing: report.environment.timing, kernels, roofline, straggler };
}

/** Orders '256x256x256 f32' before '1024x1024x1024 f32' (by FLOPs, then dtype). */
function byShape(a: string, b: string): number {
  const flops = (s: string): number => (s.split(' ')[0] ?? '').split('x').reduce((p, d) => p * Number(d), 1);
  return flops(a) - flops(b) || a.localeCompare(b);
}
