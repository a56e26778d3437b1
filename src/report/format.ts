/**
 * Number formatting for report renderers (Markdown, HTML, compare tables). Kept here rather
 * than imported from src/cli so that src/report never depends on the CLI layer.
 */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

export function percent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : 'n/a';
}

/** A change as a signed percentage: +10.2%, -3.0%. */
export function signedPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const s = (fraction * 100).toFixed(digits);
  return fraction >= 0 ? `+${s}%` : `${s}%`;
}

/** Seconds with a unit that keeps 3 significant digits readable. */
export function seconds(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  if (s === 0) return '0';
  if (Math.abs(s) < 1e-3) return `${sig(s * 1e6)} µs`;
  if (Math.abs(s) < 1) return `${sig(s * 1e3)} ms`;
  return `${sig(s)} s`;
}
