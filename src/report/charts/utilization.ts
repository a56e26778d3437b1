import { percent } from '../format.js';
import type { RunReport } from '../schema.js';
import { color, figure, legend, line, plotFrame, rect, text, yAxisLabel } from '../svg.js';

/** Measured busy fraction per generation, one bar per policy: where each policy leaves GPUs waiting. */
export function utilizationChart(report: RunReport): string {
  const { W, H, left, top, plotW, plotH } = plotFrame(300, 60);
  const groups = report.classes;
  const policies = report.policies;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = Math.min(40, (groupW * 0.8) / Math.max(1, policies.length));
  const y = (f: number): number => top + plotH * (1 - Math.min(1, Math.max(0, f)));
  const body: string[] = [];
  body.push(
    ...legend(
      left,
      18,
      policies.map((p, i) => ({ label: p.policy, fill: color(i) })),
    ),
  );
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    body.push(line({ x1: left, y1: y(f), x2: left + plotW, y2: y(f), stroke: f === 0 ? '#444' : '#e5e5e5' }));
    body.push(text({ x: left - 6, y: y(f) + 4, class: 'lbl', 'text-anchor': 'end' }, percent(f, 0)));
  }
  groups.forEach((g, gi) => {
    const gx = left + gi * groupW + (groupW - barW * policies.length) / 2;
    policies.forEach((p, pi) => {
      const busy = p.measured.busy[gi] ?? 0;
      const bx = gx + pi * barW;
      body.push(
        rect(
          { x: bx + 2, y: y(busy), width: barW - 4, height: y(0) - y(busy), fill: color(pi) },
          `${g.gpu}, ${p.policy}: busy ${percent(busy)}`,
        ),
      );
      if (barW >= 30)
        body.push(text({ x: bx + barW / 2, y: y(busy) - 4, class: 'sm', 'text-anchor': 'middle' }, percent(busy, 0)));
    });
    body.push(
      text(
        { x: left + gi * groupW + groupW / 2, y: y(0) + 18, class: 'hd', 'text-anchor': 'middle' },
        `${g.gpu} (${g.count.toLocaleString('en-US')})`,
      ),
    );
  });
  body.push(yAxisLabel(top, plotH, 'busy fraction'));
  return figure(
    'utilization',
    W,
    H,
    'Utilization per GPU generation',
    'Measured busy fraction (compute time over step time) of each GPU generation under each policy.',
    body,
  );
}
