/**
 * The merged fleet description (`fleet merge --out FLEET.json`; schemas/fleet.schema.json): the
 * fleet report's figures, and what plan, simulate and run take as `--fleet FILE` (apply.ts).
 * It keeps one compact summary per node, so fleet files merge again exactly (merge per rack,
 * then merge the merges): every group figure is recomputed from the node summaries.
 */
export const FLEET_FILE_VERSION = 1;

export interface FleetFile {
  readonly tool: 'hetbench';
  readonly kind: 'fleet';
  readonly schemaVersion: typeof FLEET_FILE_VERSION;
  readonly hetbenchVersion: string;
  /** The workload whose local unit every node ran (speeds compare only on one unit). */
  readonly workload: string;
  readonly rule: SlowRule;
  readonly groups: readonly FleetGroup[];
  /** Groups labelled with a cluster generation (fleet node --gpu), one entry per generation. */
  readonly generations: readonly FleetGeneration[];
  /** Mean-1 step-time factors (node-to-node and step-to-step), quantiles of the pooled fleet: the empirical jitter. */
  readonly jitter: { readonly samples: readonly number[] };
  readonly warnings: readonly string[];
  readonly nodes: readonly NodeSummary[];
}

/** How slow nodes are found (slow-rule.ts, docs/fleet.md). */
export interface SlowRule {
  /** Robust z-score (median and MAD of the group's speeds) above which a node may be slow. */
  readonly z: number;
  /** And at least this relative slowdown (group median / node speed - 1). */
  readonly minSlowdown: number;
  /** Groups smaller than this flag nothing (a median of two is no baseline). */
  readonly minGroup: number;
}

/** One node as the merge keeps it: a few numbers, not its steps. */
export interface NodeSummary {
  readonly name: string;
  readonly index: number | null;
  readonly gpu: string | null;
  readonly adapter: string;
  readonly hetbenchVersion: string;
  readonly complete: boolean;
  /** Median units/s and achieved GFLOP/s (unitsPerS x unit FLOPs). */
  readonly unitsPerS: number;
  readonly gflops: number;
  readonly cv: number;
  /** Step time / the node's median step time at the quantiles (i + 0.5) / NOISE_QUANTILES. */
  readonly noise: readonly number[];
}

export interface Distribution {
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly iqr: number;
  /** Median absolute deviation, scaled by 1.4826 (a standard deviation under normality). */
  readonly mad: number;
  readonly p5: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

export interface FleetGroup {
  /** The generation label when the nodes have one, else the adapter's description. */
  readonly key: string;
  readonly gpu: string | null;
  readonly adapters: readonly string[];
  readonly nodes: number;
  /** Units per second across the group's nodes. */
  readonly speed: Distribution;
  /** Each node's step-time CV across the group's nodes. */
  readonly noise: Distribution;
  /** Mean over the group of (healthy step time / ...): its nodes' mean step time over the median node's. */
  readonly meanTimeRatio: number;
  readonly slow: readonly SlowNode[];
}

export interface SlowNode {
  readonly name: string;
  readonly unitsPerS: number;
  /** Group median / node speed - 1: 0.5 is 50% slower (1.5x the step time). */
  readonly slowdown: number;
  readonly z: number;
}

export interface FleetGeneration {
  readonly gpu: string;
  readonly nodes: number;
  /** The group's median achieved GFLOP/s: the healthy speed generations are compared at. */
  readonly healthyGflops: number;
  /** Mean step time of the generation's nodes over its median node's (>= 1 with slow nodes). */
  readonly meanTimeRatio: number;
  readonly slowNodes: number;
}
