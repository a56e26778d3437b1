import type { Comparison, MetricComparison } from './compare.js';
import { percent, sig, signedPercent } from './format.js';
import type { HardwareTable } from './hardware.js';
import { changeScale } from './metric.js';
import type { Table } from './table.js';

/** Rows of compare's verdict table: regressions first, so CI logs show them at the top. */
export function comparisonTable(cmp: Comparison): Table {
  const order = { regression: 0, improvement: 1, unchanged: 2 } as const;
  const metrics = [...cmp.metrics].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const confidence = percent(1 - cmp.options.alpha, 0);
  return {
    header: ['metric', 'base', 'head', 'change', 'needs', `${confidence} CI of ratio`, 'p', 'verdict'],
    rows: metrics.map((m) => [
      m.name,
      `${sig(m.base)} ${m.unit}`,
      `${sig(m.head)} ${m.unit}`,
      signedPercent(m.ratio - 1),
      needsText(m),
      m.ci === null ? 'n/a' : `${sig(m.ci.lower, 4)} – ${sig(m.ci.upper, 4)}`,
      m.note !== undefined ? '—' : m.p < 0.001 ? '<0.001' : m.p.toFixed(3),
      verdictText(m),
    ]),
    tones: metrics.map((m) => (m.verdict === 'regression' ? 'bad' : m.verdict === 'improvement' ? 'good' : undefined)),
  };
}

/** The change the metric needed to count: a share of itself, or points for a fraction. */
function needsText(m: MetricComparison): string {
  if (m.note !== undefined) return '—';
  if (!Number.isFinite(m.threshold)) return 'n/a';
  return changeScale(m.unit) === 'points' ? `±${sig(m.threshold * 100, 2)} pt` : `±${percent(m.threshold, 1)}`;
}

function verdictText(m: MetricComparison): string {
  const arrow = m.better === 'lower' ? '(lower is better)' : '(higher is better)';
  if (m.note !== undefined && m.verdict === 'unchanged') return `unchanged: ${m.note}`;
  return m.verdict === 'unchanged' ? 'unchanged' : `${m.verdict} ${arrow}`;
}

/** The hardware comparison, one row per report. */
export function hardwareRows(hw: HardwareTable): Table {
  return {
    header: [
      'report',
      'adapter',
      'timing',
      ...hw.shapes.map((s) => `${s} GFLOP/s`),
      'FMA f32 GFLOP/s',
      'FMA f16 GFLOP/s',
      'memory GB/s',
      'lockstep loss',
      'lockstep step',
      'best policy',
    ],
    rows: hw.rows.map((r) => [
      r.label,
      r.adapter,
      r.timing,
      ...hw.shapes.map((s) => (r.kernels[s] === undefined ? '—' : sig(r.kernels[s]))),
      r.roofline === null ? '—' : sig(r.roofline.fmaF32Gflops),
      r.roofline?.fmaF16Gflops == null ? '—' : sig(r.roofline.fmaF16Gflops),
      r.roofline === null ? '—' : sig(r.roofline.bandwidthGBs),
      r.straggler === null ? '—' : percent(r.straggler.lockstepLoss),
      r.straggler === null ? '—' : `${sig(r.straggler.lockstepStepS)} s`,
      r.straggler === null ? '—' : `${r.straggler.bestPolicy} ×${sig(r.straggler.bestSpeedup)}`,
    ]),
  };
}
