import type { AdapterInfo } from '../gpu/adapter-info.js';
import type { TimingMethod } from '../gpu/timer.js';
import type { MatmulShape } from '../kernels/kernel.js';
import type { Roofline } from '../kernels/roofline.js';

/**
 * One node's measurement (`hetbench fleet node`), the input of `fleet merge`; its contract is
 * schemas/fleet-node.schema.json. Bump FLEET_SCHEMA_VERSION on any breaking change: merge
 * refuses a node file of another version (exit 2 naming the file).
 */
export const FLEET_SCHEMA_VERSION = 1;

export interface FleetNodeReport {
  readonly tool: 'hetbench';
  readonly kind: 'fleet-node';
  readonly schemaVersion: typeof FLEET_SCHEMA_VERSION;
  readonly hetbenchVersion: string;
  /** False when the device failed part-way: the sections that finished are kept, the rest null. */
  readonly complete: boolean;
  readonly failure: string | null;
  readonly node: NodeIdentity;
  readonly host: HostInfo;
  readonly adapter: AdapterInfo;
  readonly timing: TimingMethod;
  /** The workload whose local unit (bench/local-unit.ts) the matmul and unit sections run. */
  readonly workload: string;
  readonly roofline: NodeRoofline | null;
  readonly matmul: readonly NodeMatmul[] | null;
  readonly units: NodeUnits | null;
  readonly wallS: number;
}

export interface NodeIdentity {
  /** What makes a node unique in a fleet (default: the host name); merge refuses a name twice. */
  readonly name: string;
  /** The engine's index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID); null when run by hand. */
  readonly index: number | null;
  /** The cluster GPU generation this node is (a catalog or cluster-spec id), given with --gpu; null if unlabelled. */
  readonly gpu: string | null;
}

export interface HostInfo {
  readonly hostname: string;
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
  readonly node: string;
  readonly webgpu: string;
}

export interface NodeRoofline extends Roofline {
  readonly method: TimingMethod;
}

/** The tuned kernel at one of the training shapes (one distinct GEMM shape of the local unit). */
export interface NodeMatmul {
  /** The unit's GEMMs with this shape. */
  readonly gemms: readonly string[];
  readonly shape: MatmulShape;
  readonly kernel: string;
  readonly medianS: number;
  readonly gflops: number;
  /** gflops / the probe's f32 FMA peak; null without a roofline. */
  readonly fractionOfPeak: number | null;
}

/** The timed series of units: the node's speed and step-to-step noise. */
export interface NodeUnits {
  /** FLOPs of one unit, and its GEMM count: the same unit on every node of a group. */
  readonly unitFlops: number;
  readonly unitGemms: number;
  readonly unitsPerStep: number;
  /** Seconds of each timed step (one GPU-timed pass of unitsPerStep units), in order. */
  readonly stepS: readonly number[];
  /** Median units per second over the steps, with its 95% bootstrap interval. */
  readonly unitsPerS: number;
  readonly interval: { readonly lower: number; readonly upper: number };
  /** Achieved GFLOP/s at the median (unitsPerS x unitFlops). */
  readonly gflops: number;
  /** Coefficient of variation of the step times (sample standard deviation / mean). */
  readonly cv: number;
  /**
   * Host CPU cores this process used over the series (CPU seconds / wall seconds): on a
   * software adapter the device's own share of the host (one lavapipe thread can use at most 1;
   * a starved host gives less), on a GPU the host side's load. Absent when not measured.
   */
  readonly hostCpuCores?: number;
}
