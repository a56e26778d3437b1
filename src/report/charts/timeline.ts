import type { StepSample } from '../../sim/figures.js';
import { seconds } from '../format.js';
import type { RunReport } from '../schema.js';
import { COMM, color, figure, IDLE, legend, line, rect, text, ticks } from '../svg.js';

/**
 * One step per policy as a Gantt chart: for each generation, its compute (busy), the wait for
 * the slowest generation (idle), then the exposed all-reduce everyone shares. The step shown
 * is each policy's median step, so one outlier does not stand for the policy.
 */
export function timelineChart(report: RunReport): string {
  const W = 960;
  const left = 150;
  const right = 90;
  const rowH = 16;
  const groupGap = 16;
  const headH = 18;
  const classes = report.classes;
  const picks = report.policies.map((p) => ({ policy: p.policy, step: medianStep(p.steps) }));
  const maxT = Math.max(1e-12, ...picks.map((p) => p.step?.stepS ?? 0));
  const axis = ticks(maxT);
  const xMax = axis[axis.length - 1] ?? maxT;
  const plotW = W - left - right;
  const x = (t: number): number => left + (t / xMax) * plotW;
  const groupH = headH + classes.length * rowH + groupGap;
  const top = 30;
  const H = top + picks.length * groupH + 40;
  const body: string[] = [];
  body.push(
    ...legend(left, 16, [
      ...classes.map((c, i) => ({ label: `${c.gpu} busy`, fill: color(i) })),
      { label: 'idle (waiting)', fill: IDLE },
      { label: 'all-reduce', fill: COMM },
    ]),
  );
  picks.forEach((pk, gi) => {
    const gy = top + gi * groupH;
    body.push(text({ x: 8, y: gy + 13, class: 'hd' }, pk.policy));
    const step = pk.step;
    if (step === null) {
      body.push(text({ x: left, y: gy + 13, class: 'lbl' }, 'no measured steps'));
      return;
    }
    const slowest = Math.max(...step.classComputeS);
    body.push(text({ x: x(step.stepS) + 6, y: gy + 13, class: 'lbl' }, seconds(step.stepS)));
    classes.forEach((c, ci) => {
      const y = gy + headH + ci * rowH;
      const busy = step.classComputeS[ci] ?? 0;
      body.push(text({ x: left - 8, y: y + 11, class: 'lbl', 'text-anchor': 'end' }, c.gpu));
      body.push(
        rect(
          { x: x(0), y, width: x(busy) - x(0), height: rowH - 3, fill: color(ci) },
          `${pk.policy}, ${c.gpu}: busy ${seconds(busy)}`,
        ),
      );
      if (slowest > busy)
        body.push(
          rect(
            { x: x(busy), y, width: x(slowest) - x(busy), height: rowH - 3, fill: IDLE },
            `${pk.policy}, ${c.gpu}: idle ${seconds(slowest - busy)}`,
          ),
        );
      if (step.allReduceS > 0)
        body.push(
          rect(
            { x: x(slowest), y, width: x(slowest + step.allReduceS) - x(slowest), height: rowH - 3, fill: COMM },
            `${pk.policy}: all-reduce ${seconds(step.allReduceS)}`,
          ),
        );
    });
  });
  const axisY = top + picks.length * groupH;
  body.push(line({ x1: left, y1: axisY, x2: left + plotW, y2: axisY, stroke: '#444' }));
  for (const t of axis) {
    body.push(line({ x1: x(t), y1: axisY, x2: x(t), y2: axisY + 4, stroke: '#444' }));
    body.push(text({ x: x(t), y: axisY + 16, class: 'lbl', 'text-anchor': 'middle' }, seconds(t)));
  }
  body.push(
    text(
      { x: left + plotW / 2, y: axisY + 32, class: 'lbl', 'text-anchor': 'middle' },
      'time within one training step (cluster time)',
    ),
  );
  return figure(
    'timeline',
    W,
    H,
    'One training step per policy',
    `For each policy, each GPU generation's compute time, its idle wait for the slowest generation, and the exposed all-reduce. Longest step ${seconds(maxT)}.`,
    body,
  );
}

function medianStep(steps: readonly StepSample[]): StepSample | null {
  if (steps.length === 0) return null;
  const s = [...steps].sort((a, b) => a.stepS - b.stepS);
  return s[Math.floor((s.length - 1) / 2)] ?? null;
}
