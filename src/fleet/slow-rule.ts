import { quantileSorted } from '../stats/quantiles.js';
import type { Distribution, SlowNode, SlowRule } from './fleet-file.js';

/**
 * The slow-node rule (docs/fleet.md). Within a group of like nodes, a node is slow when
 *  - its robust z-score of log speed, (ln median - ln speed) / (1.4826 MAD of ln speed), exceeds
 *    `z` (3.5: Iglewicz and Hoaglin's modified z-score threshold, "How to Detect and Handle
 *    Outliers", ASQC 1993). The median and MAD are untouched by the slow nodes themselves up to
 *    half the group. Log speed, because slowdowns are ratios: on the speed scale a node can be
 *    at most median / scale below the median, so in a noisy group even a 5x slower node could
 *    not reach the threshold (measured: 3 lavapipe nodes at +-20% and one 4.9x slower gave z 2.9);
 *  - it is at least `minSlowdown` slower (10%): in a tight group the MAD is tiny and a 1%
 *    difference would score a high z, but it costs a synchronous job nothing worth a ticket.
 * The MAD is floored at MAD_FLOOR (ln 1.01: 1% spread) for the same reason (all nodes equal: MAD 0).
 * Only slower nodes are flagged: a fast node does not hold a synchronous step back.
 */
export const DEFAULT_RULE: SlowRule = { z: 3.5, minSlowdown: 0.1, minGroup: 3 };
export const MAD_FLOOR = Math.log(1.01);
/** The MAD's consistency constant: 1 / Phi^-1(3/4), so the scaled MAD estimates sigma under normality. */
export const MAD_SCALE = 1.4826;

export function distribution(values: readonly number[]): Distribution {
  const s = Float64Array.from(values).sort();
  const arr = Array.from(s);
  const median = quantileSorted(arr, 0.5);
  const dev = Float64Array.from(arr, (x) => Math.abs(x - median)).sort();
  const q1 = quantileSorted(arr, 0.25);
  const q3 = quantileSorted(arr, 0.75);
  return {
    median,
    q1,
    q3,
    iqr: q3 - q1,
    mad: MAD_SCALE * quantileSorted(Array.from(dev), 0.5),
    p5: quantileSorted(arr, 0.05),
    p95: quantileSorted(arr, 0.95),
    min: arr[0] ?? Number.NaN,
    max: arr[arr.length - 1] ?? Number.NaN,
  };
}

/** The slow nodes of one group, slowest first (`speed`: the group's speed distribution, for its median). */
export function slowNodes(
  nodes: readonly { readonly name: string; readonly unitsPerS: number }[],
  speed: Distribution,
  rule: SlowRule,
): SlowNode[] {
  if (nodes.length < rule.minGroup) return [];
  const logs = distribution(nodes.map((n) => Math.log(n.unitsPerS)));
  const scale = Math.max(logs.mad, MAD_FLOOR);
  const slow: SlowNode[] = [];
  for (const n of nodes) {
    const z = (logs.median - Math.log(n.unitsPerS)) / scale;
    const slowdown = speed.median / n.unitsPerS - 1;
    if (z > rule.z && slowdown >= rule.minSlowdown) slow.push({ name: n.name, unitsPerS: n.unitsPerS, slowdown, z });
  }
  return slow.sort((a, b) => b.slowdown - a.slowdown);
}
