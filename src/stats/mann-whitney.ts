import { normalUpperTail } from './normal.js';

/**
 * Two-sided Mann-Whitney U test. Chosen for compare because benchmark samples are few
 * (5-30 steps), skewed (a slow step is far slower, a fast one barely faster) and sometimes
 * bimodal: a rank test assumes no distribution and one outlier moves it by one rank only.
 *
 * Small samples without ties use the exact null distribution (counted by dynamic programming),
 * so n = 4 vs 4 gives a true p-value instead of a poor normal approximation. Larger samples, or
 * any ties, use the normal approximation with tie and continuity corrections.
 */
export interface MannWhitneyResult {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting half. */
  readonly u: number;
  readonly p: number;
  readonly method: 'exact' | 'normal';
}

/** Exact distribution is used while n1 * n2 is at most this (the table has n1*n2+1 entries per step). */
const EXACT_LIMIT = 2500;

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: Number.NaN, p: 1, method: 'normal' };
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    if (t > 1) tieTerm += t ** 3 - t;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = r;
    i = j + 1;
  }
  let r1 = 0;
  all.forEach((x, i) => {
    if (x.g === 0) r1 += ranks[i]!;
  });
  const u = r1 - (n1 * (n1 + 1)) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_LIMIT) return { u, p: exactP(u, n1, n2), method: 'exact' };
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}

/** Two-sided exact p: 2 * P(U <= min(u, n1n2 - u)) under H0, from the count of rank arrangements. */
function exactP(u: number, n1: number, n2: number): number {
  // counts[k] = number of arrangements of the first i a's and j b's giving U = k, built up in n2.
  // Standard recurrence f(i, j, k) = f(i-1, j, k-j) + f(i, j-1, k); done as a 2-D table over (i, k).
  const max = n1 * n2;
  let prev: Float64Array[] = [];
  for (let i = 0; i <= n1; i++) {
    const row = new Float64Array(max + 1);
    row[0] = 1;
    prev.push(row);
  }
  // j = 0: only U = 0 is possible, which the rows already hold.
  for (let j = 1; j <= n2; j++) {
    const cur: Float64Array[] = [];
    for (let i = 0; i <= n1; i++) {
      const row = new Float64Array(max + 1);
      const left = prev[i]!; // f(i, j-1, k)
      const up = i > 0 ? cur[i - 1]! : null; // f(i-1, j, k-j)
      for (let k = 0; k <= max; k++) {
        let v = left[k]!;
        if (up !== null && k - j >= 0) v += up[k - j]!;
        row[k] = v;
      }
      cur.push(row);
    }
    prev = cur;
  }
  const counts = prev[n1]!;
  let total = 0;
  for (const c of counts) total += c;
  const lo = Math.min(u, max - u);
  let tail = 0;
  for (let k = 0; k <= Math.floor(lo + 1e-9); k++) tail += counts[k]!;
  return Math.min(1, (2 * tail) / total);
}
