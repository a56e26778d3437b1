import { UsageError } from '../errors.js';
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

/**
 * A generation label (`fleet node --gpu`, `fleet manifest --gpu`): a catalog or cluster-spec GPU
 * id. The manifest passes it on to every node, so both commands check it alike.
 */
export function checkGpuLabel(label: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(label))
    throw new UsageError('--gpu', label, 'must be a GPU id (letters, digits, . _ -), e.g. h100-sxm.');
  return label;
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
  /**
   * The engine's GPU-visibility variables this process saw (VISIBLE_DEVICE_VARS: the device
   * plugin's NVIDIA_VISIBLE_DEVICES, Slurm's SLURM_STEP_GPUS, ...), so a per-GPU task's file says
   * which GPU it measured (WebGPU exposes no GPU serial or UUID). Absent when none is set.
   */
  readonly visibleDevices?: Readonly<Record<string, string>>;
}

/** The variables engines and runtimes set to say which GPUs a process may use. */
export const VISIBLE_DEVICE_VARS = [
  'NVIDIA_VISIBLE_DEVICES',
  'CUDA_VISIBLE_DEVICES',
  'ROCR_VISIBLE_DEVICES',
  'HIP_VISIBLE_DEVICES',
  'SLURM_STEP_GPUS',
  'SLURM_JOB_GPUS',
  'GPU_DEVICE_ORDINAL',
] as const;

/** The visibility variables set in `env`, each value cut to 1,024 characters; undefined when none. */
export function visibleDevices(env: Readonly<Record<string, string | undefined>>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of VISIBLE_DEVICE_VARS) {
    const v = env[name];
    if (v !== undefined && v !== '') out[name] = v.slice(0, 1024);
  }
  return Object.keys(out).length === 0 ? undefined : out;
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
  /**
   * Present only under the `fleet node --slow FACTOR` what-if: each step ran this many times its
   * `unitsPerStep` units of real work, and the speed counts `unitsPerStep` (so it reads about
   * FACTOR times slower). merge does not use it to find slow nodes; it names the what-if.
   */
  readonly workFactor?: number;
}
