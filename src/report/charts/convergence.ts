import { seconds } from '../format.js';
import type { RunReport } from '../schema.js';
import { color, esc, figure, legend, line, path, plotFrame, text, ticks } from '../svg.js';

/**
 * The adaptive policy's step time per step, against lockstep and the best static split:
 * shows how many steps its online re-estimation needs to catch up.
 */
export function convergenceChart(report: RunReport): string | null {
  const trace = report.adaptiveTrace;
  if (trace === null || trace.length === 0) return null;
  const { W, H, left, top, plotW, plotH } = plotFrame(300, 80);
  // Colours follow the policy's position in the report, as in the other charts.
  const refs = report.policies
    .map((p, i) => ({ label: p.policy, stepS: p.measured.stepS, fill: color(i) }))
    .filter((p) => p.label !== 'adaptive')
    .sort((a, b) => b.stepS - a.stepS);
  const shown = refs.length > 2 ? [refs[0]!, refs[refs.length - 1]!] : refs;
  const maxT = Math.max(...trace, ...shown.map((r) => r.stepS)) * 1.05;
  const axis = ticks(maxT);
  const yMax = axis[axis.length - 1] ?? maxT;
  const x = (i: number): number => left + (trace.length === 1 ? plotW / 2 : (i / (trace.length - 1)) * plotW);
  const y = (t: number): number => top + plotH * (1 - t / yMax);
  const adaptiveColor = color(report.policies.findIndex((p) => p.policy === 'adaptive'));
  const body: string[] = [];
  body.push(
    ...legend(left, 18, [
      { label: 'adaptive', fill: adaptiveColor },
      ...shown.map((r) => ({ label: `${r.label} (measured median)`, fill: r.fill })),
    ]),
  );
  for (const t of axis) {
    body.push(line({ x1: left, y1: y(t), x2: left + plotW, y2: y(t), stroke: t === 0 ? '#444' : '#e5e5e5' }));
    body.push(text({ x: left - 6, y: y(t) + 4, class: 'lbl', 'text-anchor': 'end' }, seconds(t)));
  }
  for (const r of shown)
    body.push(
      line({
        x1: left,
        y1: y(r.stepS),
        x2: left + plotW,
        y2: y(r.stepS),
        stroke: r.fill,
        'stroke-dasharray': '6 4',
        'stroke-width': 1.5,
      }),
    );
  body.push(
    path({
      d: trace.map((t, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(t).toFixed(1)}`).join(' '),
      fill: 'none',
      stroke: adaptiveColor,
      'stroke-width': 2.5,
    }),
  );
  for (const [i, t] of trace.entries()) {
    body.push(
      `<circle cx="${esc(x(i).toFixed(1))}" cy="${esc(y(t).toFixed(1))}" r="3" fill="${esc(adaptiveColor)}">` +
        `<title>${esc(`step ${i + 1}: ${seconds(t)}`)}</title></circle>`,
    );
  }
  const every = Math.max(1, Math.ceil(trace.length / 10));
  for (let i = 0; i < trace.length; i += every)
    body.push(text({ x: x(i), y: y(0) + 16, class: 'lbl', 'text-anchor': 'middle' }, String(i + 1)));
  body.push(text({ x: left + plotW / 2, y: H - 8, class: 'lbl', 'text-anchor': 'middle' }, 'step'));
  const last = trace[trace.length - 1] ?? 0;
  return figure(
    'convergence',
    W,
    H,
    "Adaptive policy's convergence",
    `Adaptive step time per step, from ${seconds(trace[0] ?? 0)} to ${seconds(last)} over ${trace.length} steps, with reference step times of other policies.`,
    body,
  );
}
