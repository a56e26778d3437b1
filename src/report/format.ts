/**
 * Number formatting for every renderer: the terminal (the CLI, the bench), Markdown, HTML and
 * compare tables. One rule for significant figures; the two styles differ only in how a
 * figure that is not a finite number reads: reports write 'n/a', the terminal tables have
 * always printed JavaScript's own text ('NaN', 'Infinity').
 */
type NonFinite = 'n/a' | 'as-is';

function significant(x: number, digits: number, nonFinite: NonFinite): string {
  if (!Number.isFinite(x)) return nonFinite === 'n/a' && Number.isNaN(x) ? 'n/a' : String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

function fractionAsPercent(fraction: number, digits: number, nonFinite: NonFinite): string {
  if (nonFinite === 'n/a' && !Number.isFinite(fraction)) return 'n/a';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** `digits` significant figures, thousands separators above 10^digits; NaN reads 'n/a' (reports). */
export function sig(x: number, digits = 3): string {
  return significant(x, digits, 'n/a');
}

/** A fraction as a percentage, 0.123 -> '12.3%'; non-finite reads 'n/a' (reports). */
export function percent(fraction: number, digits = 1): string {
  return fractionAsPercent(fraction, digits, 'n/a');
}

/** `sig` for terminal tables: a non-finite figure prints as JavaScript writes it. */
export function fmt(x: number, digits = 3): string {
  return significant(x, digits, 'as-is');
}

/** `percent` for terminal tables: a non-finite figure prints as JavaScript writes it ('NaN%'). */
export function pct(fraction: number, digits = 1): string {
  return fractionAsPercent(fraction, digits, 'as-is');
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
