import { sig } from '../format.js';
import type { BenchReport } from '../schema.js';
import { color, figure, legend, line, plotFrame, rect, text, ticks, yAxisLabel } from '../svg.js';

/** Kernel GFLOP/s per shape (one bar per kernel and dtype), with the measured FMA peaks as lines. */
export function kernelChart(report: BenchReport): string {
  const { W, H, left, top, plotW, plotH } = plotFrame(320, 70);
  const shapes = [...new Set(report.kernels.map((k) => `${k.m}×${k.n}×${k.k}`))];
  const series = [...new Set(report.kernels.map((k) => `${k.kernel} ${k.dtype}`))];
  const peaks =
    report.roofline === null
      ? []
      : [report.roofline.fmaF32Gflops, report.roofline.fmaF16Gflops ?? 0].filter((p) => p > 0);
  const axis = ticks(Math.max(1e-9, ...report.kernels.map((k) => k.gflops), ...peaks) * 1.05);
  const yMax = axis[axis.length - 1] ?? 1;
  const y = (g: number): number => top + plotH * (1 - g / yMax);
  const groupW = plotW / Math.max(1, shapes.length);
  const barW = Math.min(40, (groupW * 0.8) / Math.max(1, series.length));
  const body: string[] = [
    ...legend(
      left,
      18,
      series.map((s, i) => ({ label: s, fill: color(i) })),
    ),
  ];
  for (const t of axis) {
    body.push(line({ x1: left, y1: y(t), x2: left + plotW, y2: y(t), stroke: t === 0 ? '#444' : '#e5e5e5' }));
    body.push(text({ x: left - 6, y: y(t) + 4, class: 'lbl', 'text-anchor': 'end' }, sig(t)));
  }
  if (report.roofline !== null) {
    const r = report.roofline;
    for (const [label, g] of [
      ['FMA f32 peak', r.fmaF32Gflops],
      ['FMA f16 peak', r.fmaF16Gflops],
    ] as const) {
      if (g === null || g <= 0) continue;
      body.push(line({ x1: left, y1: y(g), x2: left + plotW, y2: y(g), stroke: '#b00', 'stroke-dasharray': '6 4' }));
      body.push(text({ x: left + plotW - 4, y: y(g) - 4, class: 'lbl', 'text-anchor': 'end' }, `${label} ${sig(g)}`));
    }
  }
  shapes.forEach((s, gi) => {
    const gx = left + gi * groupW + (groupW - barW * series.length) / 2;
    series.forEach((name, si) => {
      const k = report.kernels.find((kr) => `${kr.m}×${kr.n}×${kr.k}` === s && `${kr.kernel} ${kr.dtype}` === name);
      if (k === undefined) return;
      body.push(
        rect(
          { x: gx + si * barW + 2, y: y(k.gflops), width: barW - 4, height: y(0) - y(k.gflops), fill: color(si) },
          `${name} at ${s}: ${sig(k.gflops)} GFLOP/s`,
        ),
      );
    });
    body.push(text({ x: left + gi * groupW + groupW / 2, y: y(0) + 18, class: 'hd', 'text-anchor': 'middle' }, s));
  });
  body.push(yAxisLabel(top, plotH, 'GFLOP/s'));
  return figure(
    'kernels',
    W,
    H,
    'Kernel throughput per shape',
    `GFLOP/s of each kernel at each matrix shape${report.roofline === null ? '' : ', with the measured FMA peaks'}.`,
    body,
  );
}
