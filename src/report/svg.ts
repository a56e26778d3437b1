/**
 * Minimal SVG building blocks for the HTML report. Strings, not a DOM: the report must be
 * renderable in Node without a browser, and stay a single self-contained file.
 */

/** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
] as const;
export const IDLE = '#d9d9d9';
export const COMM = '#7f3c8d';

export function color(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#000000';
}

/**
 * The one HTML escape: every value interpolated into the HTML report and its SVG charts,
 * text and attributes alike, passes through it (a number too, via String). Quotes of both
 * kinds, so an attribute cannot be closed whichever quote it uses.
 */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Rounds coordinates so the page stays small and diffs stay readable. */
export const r2 = (x: number): string => String(Math.round(x * 100) / 100);

type Attrs = Readonly<Record<string, string | number>>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? r2(v) : esc(v)}"`)
    .join('');
}

export function rect(a: Attrs, tooltip?: string): string {
  return tooltip === undefined ? `<rect${attrs(a)}/>` : `<rect${attrs(a)}><title>${esc(tooltip)}</title></rect>`;
}

export function text(a: Attrs, content: string): string {
  return `<text${attrs(a)}>${esc(content)}</text>`;
}

export function line(a: Attrs): string {
  return `<line${attrs(a)}/>`;
}

export function path(a: Attrs): string {
  return `<path${attrs(a)}/>`;
}

/**
 * The plot area of the 960-wide bar and line charts: `left` is the room for the y labels; the
 * legend sits in the 40 above, the x labels in the 50 below, 20 spare on the right.
 */
export function plotFrame(
  height: number,
  left: number,
): { W: number; H: number; left: number; top: number; plotW: number; plotH: number } {
  const W = 960;
  const top = 40;
  const bottom = 50;
  return { W, H: height, left, top, plotW: W - left - 20, plotH: height - top - bottom };
}

/** An accessible SVG figure: role="img" with a <title> and a <desc> that screen readers announce. */
/** The y axis's title, written upwards beside a plot area that starts at `top` and is `plotH` tall. */
export function yAxisLabel(top: number, plotH: number, label: string): string {
  const y = top + plotH / 2;
  return text({ x: 14, y, class: 'lbl', transform: `rotate(-90 14 ${y})`, 'text-anchor': 'middle' }, label);
}

export function figure(
  id: string,
  width: number,
  height: number,
  title: string,
  desc: string,
  body: readonly string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${r2(width)} ${r2(height)}" ` +
      `width="${r2(width)}" height="${r2(height)}" role="img" aria-labelledby="${id}-t ${id}-d">`,
    `<title id="${id}-t">${esc(title)}</title>`,
    `<desc id="${id}-d">${esc(desc)}</desc>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** "Nice" axis ticks (1, 2, 5 × 10^k) from 0 to at least max. */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A legend row of coloured swatches with labels, starting at (x, y). */
export function legend(
  x: number,
  y: number,
  items: readonly { readonly label: string; readonly fill: string }[],
  gap = 24,
): string[] {
  const out: string[] = [];
  let cx = x;
  for (const it of items) {
    out.push(rect({ x: cx, y: y - 10, width: 12, height: 12, fill: it.fill, stroke: '#444', 'stroke-width': 0.5 }));
    out.push(text({ x: cx + 16, y, class: 'lbl' }, it.label));
    cx += 16 + it.label.length * 6.6 + gap;
  }
  return out;
}
