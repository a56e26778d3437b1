import type { LossDecomposition } from '../../sim/figures.js';
import { percent } from '../format.js';
import { COMM, figure, PALETTE, rect, text } from '../svg.js';

/** Lockstep's lost GPU-time split by cause, as one stacked bar with a labelled legend. */
export function decompositionChart(d: LossDecomposition): string {
  const W = 960;
  const H = 160;
  const left = 20;
  const plotW = W - 40;
  const parts = [
    { label: 'generation mix', value: d.generationMix, fill: PALETTE[0] },
    { label: 'jitter', value: d.jitter, fill: PALETTE[5] },
    { label: 'communication', value: d.communication, fill: COMM },
    { label: 'memory caps', value: d.memoryCaps, fill: PALETTE[2] },
  ];
  const total = Math.max(
    1e-12,
    parts.reduce((a, p) => a + Math.max(0, p.value), 0),
  );
  const body: string[] = [text({ x: left, y: 20, class: 'hd' }, `Lost: ${percent(d.total)} of all GPU-time`)];
  let x = left;
  parts.forEach((p) => {
    const w = (Math.max(0, p.value) / total) * plotW;
    body.push(rect({ x, y: 32, width: w, height: 36, fill: p.fill }, `${p.label}: ${percent(p.value)} of GPU-time`));
    if (w > 70) body.push(text({ x: x + w / 2, y: 55, class: 'inbar', 'text-anchor': 'middle' }, percent(p.value)));
    x += w;
  });
  parts.forEach((p, i) => {
    // Two columns: the labels are long, four in a row overlap.
    const lx = left + (i % 2) * (plotW / 2);
    const ly = 90 + Math.floor(i / 2) * 22;
    body.push(rect({ x: lx, y: ly, width: 12, height: 12, fill: p.fill }));
    body.push(
      text(
        { x: lx + 18, y: ly + 10, class: 'lbl' },
        `${p.label}: ${percent(p.value)} (${percent(p.value / total, 0)} of the loss)`,
      ),
    );
  });
  return figure(
    'decomposition',
    W,
    H,
    'Loss decomposition',
    `Lockstep loses ${percent(d.total)} of GPU-time: ${parts.map((p) => `${p.label} ${percent(p.value)}`).join(', ')}.`,
    body,
  );
}
