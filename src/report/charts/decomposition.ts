import { percent } from '../format.js';
import type { LossParts } from '../loss-parts.js';
import { COMM, figure, PALETTE, rect, text } from '../svg.js';

/** The DP-only split's colours (kept as they were); a 3D split's parts take the palette in turn. */
const DP_FILLS: Record<string, string | undefined> = {
  'generation mix': PALETTE[0],
  jitter: PALETTE[5],
  communication: COMM,
  'memory caps': PALETTE[2],
};

/** Lockstep's loss split by cause, as one stacked bar with a labelled legend. */
export function decompositionChart(d: LossParts): string {
  const W = 960;
  const left = 20;
  const plotW = W - 40;
  const parts = d.parts.map((p, i) => ({
    ...p,
    fill: (d.of === 'GPU-time' ? DP_FILLS[p.label] : undefined) ?? PALETTE[i % PALETTE.length] ?? COMM,
  }));
  // Two legend columns of 22 px rows: four parts fit the original 160 px.
  const H = 160 + Math.max(0, Math.ceil(parts.length / 2) - 2) * 22;
  const whole = d.of === 'GPU-time' ? 'all GPU-time' : 'the step';
  const total = Math.max(
    1e-12,
    parts.reduce((a, p) => a + Math.max(0, p.value), 0),
  );
  const body: string[] = [text({ x: left, y: 20, class: 'hd' }, `Lost: ${percent(d.total)} of ${whole}`)];
  let x = left;
  parts.forEach((p) => {
    const w = (Math.max(0, p.value) / total) * plotW;
    body.push(rect({ x, y: 32, width: w, height: 36, fill: p.fill }, `${p.label}: ${percent(p.value)} of ${d.of}`));
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
    `Lockstep loses ${percent(d.total)} of ${d.of}: ${parts.map((p) => `${p.label} ${percent(p.value)}`).join(', ')}.`,
    body,
  );
}
