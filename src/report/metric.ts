import type { MatmulShape } from '../kernels/kernel.js';
import { policyNames } from '../policy/index.js';
import type { PolicyName } from '../policy/policy.js';

/**
 * The units a metric is measured in, each with how a change of it is measured: a ratio
 * (head / base - 1) for amounts, or a difference in points (head - base) for a quantity that
 * is itself a fraction (straggler loss, MFU): a loss going 0.10 -> 0.12 is 2 points, not a 20%
 * regression. `compare` reads the scale from here, never from the unit's spelling.
 */
export const UNITS = {
  s: { scale: 'ratio' },
  ms: { scale: 'ratio' },
  'tokens/s': { scale: 'ratio' },
  'GFLOP/s': { scale: 'ratio' },
  'GB/s': { scale: 'ratio' },
  x: { scale: 'ratio' },
  fraction: { scale: 'points' },
} as const satisfies Record<string, { readonly scale: ChangeScale }>;

export type Unit = keyof typeof UNITS;

export type ChangeScale = 'ratio' | 'points';

export const unitNames = Object.keys(UNITS) as Unit[];

/** How a change of a metric in `unit` is measured (a unit from outside this list counts as an amount). */
export function changeScale(unit: Unit): ChangeScale {
  return Object.hasOwn(UNITS, unit) ? UNITS[unit].scale : 'ratio';
}

/**
 * One tracked figure. `samples` are the raw repeated observations (e.g. per-step or per-rep)
 * that `compare` uses for its statistics; `value` is their summary (median unless stated).
 */
export interface Metric {
  /** Stable dotted key, metricName(id), e.g. 'run.lockstep.stepTime', 'kernel.tuned.1024x1024x1024.gflops'. */
  readonly name: string;
  readonly unit: Unit;
  readonly better: 'lower' | 'higher';
  readonly value: number;
  readonly samples: readonly number[];
  /**
   * The 95% interval of `value` where the producer computed one (a run's figures: a paired
   * bootstrap over its rounds); compare's auto mode tests the change against it.
   */
  readonly ci?: readonly [number, number];
}

/** What a run report tracks per policy. */
export type RunFigure = 'stepTime' | 'tokensPerS' | 'stragglerLoss' | 'mfu' | 'speedup';

/** The kernels the bench times at each shape (bench/kernels.bench.ts). */
export type KernelRole = 'naive' | 'tuned' | 'tuned-f16' | 'tuned-busy-polling';

const kernelRoles: readonly KernelRole[] = ['naive', 'tuned', 'tuned-f16', 'tuned-busy-polling'];

/**
 * A metric's identity. The dotted name in the JSON is metricName(id) and parseMetricName
 * reads it back; nothing else builds or splits metric names.
 */
export type MetricId =
  | { readonly scope: 'run'; readonly policy: PolicyName; readonly figure: RunFigure }
  | { readonly scope: 'kernel'; readonly role: KernelRole; readonly shape: MatmulShape; readonly figure: 'gflops' }
  | { readonly scope: 'blas'; readonly library: 'numpy'; readonly shape: MatmulShape; readonly figure: 'gflops' }
  | { readonly scope: 'probe'; readonly probe: 'fma.f32' | 'fma.f16'; readonly figure: 'gflops' }
  | { readonly scope: 'probe'; readonly probe: 'bandwidth'; readonly figure: 'gbs' }
  /** `benchCase` is a slug: lower-case letters, digits and dashes. */
  | { readonly scope: 'simulate'; readonly benchCase: string; readonly figure: 'meanMs' }
  | { readonly scope: 'autotune'; readonly figure: 'seconds' }
  /**
   * A measured class's compute time over the model's (src/bench/measured-compose.ts
   * classTimeRatios). `label` is its GPU id, or `<gpu>-g<group>` when two groups share a GPU.
   */
  | { readonly scope: 'class'; readonly label: string; readonly figure: 'computeRatio' };

/** The unit and direction of each kind of metric. */
function unitOf(id: MetricId): { readonly unit: Unit; readonly better: Metric['better'] } {
  switch (id.scope) {
    case 'run':
      return RUN_FIGURES[id.figure];
    case 'kernel':
    case 'blas':
      return { unit: 'GFLOP/s', better: 'higher' };
    case 'probe':
      return id.figure === 'gbs' ? { unit: 'GB/s', better: 'higher' } : { unit: 'GFLOP/s', better: 'higher' };
    case 'simulate':
      return { unit: 'ms', better: 'lower' };
    case 'autotune':
      return { unit: 's', better: 'lower' };
    case 'class':
      return { unit: 'x', better: 'lower' };
  }
}

const RUN_FIGURES: Readonly<Record<RunFigure, { readonly unit: Unit; readonly better: Metric['better'] }>> = {
  stepTime: { unit: 's', better: 'lower' },
  tokensPerS: { unit: 'tokens/s', better: 'higher' },
  stragglerLoss: { unit: 'fraction', better: 'lower' },
  mfu: { unit: 'fraction', better: 'higher' },
  speedup: { unit: 'x', better: 'higher' },
};

/** A metric of `id`: its name, unit and direction follow from the id. */
export function metric(
  id: MetricId,
  value: number,
  samples: readonly number[],
  ci?: readonly [number, number],
): Metric {
  const interval = ci !== undefined && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? { ci } : {};
  return { name: metricName(id), ...unitOf(id), value, samples, ...interval };
}

const shapeText = (s: MatmulShape): string => `${s.m}x${s.n}x${s.k}`;

/**
 * Everything of a metric's name but its last part: what Bencher calls the benchmark, with the
 * figure as its measure ('run.lockstep' / 'stepTime').
 */
export function metricGroup(id: MetricId): string {
  switch (id.scope) {
    case 'run':
      return `run.${id.policy}`;
    case 'kernel':
      return `kernel.${id.role}.${shapeText(id.shape)}`;
    case 'blas':
      return `blas.${id.library}.${shapeText(id.shape)}`;
    case 'probe':
      return `probe.${id.probe}`;
    case 'simulate':
      return `simulate.${id.benchCase}`;
    case 'autotune':
      return 'autotune';
    case 'class':
      return `class.${id.label}`;
  }
}

/** The stable dotted name stored in reports. */
export function metricName(id: MetricId): string {
  return `${metricGroup(id)}.${id.figure}`;
}

/** The id of a name metricName wrote; null for any other name (a report from elsewhere). */
export function parseMetricName(name: string): MetricId | null {
  const parts = name.split('.');
  const [scope, a, b, c] = parts;
  const found = ((): MetricId | null => {
    switch (scope) {
      case 'run': {
        const policy = policyNames.find((p) => p === a);
        const figure = runFigures.find((f) => f === b);
        return parts.length === 3 && policy && figure ? { scope, policy, figure } : null;
      }
      case 'kernel': {
        const role = kernelRoles.find((r) => r === a);
        const shape = parseShape(b);
        return parts.length === 4 && role && shape && c === 'gflops' ? { scope, role, shape, figure: c } : null;
      }
      case 'blas': {
        const shape = parseShape(b);
        return parts.length === 4 && a === 'numpy' && shape && c === 'gflops'
          ? { scope, library: a, shape, figure: c }
          : null;
      }
      case 'probe':
        if (name === 'probe.bandwidth.gbs') return { scope, probe: 'bandwidth', figure: 'gbs' };
        if (name === 'probe.fma.f32.gflops') return { scope, probe: 'fma.f32', figure: 'gflops' };
        if (name === 'probe.fma.f16.gflops') return { scope, probe: 'fma.f16', figure: 'gflops' };
        return null;
      case 'simulate':
        return parts.length === 3 && a !== undefined && /^[a-z0-9-]+$/.test(a) && b === 'meanMs'
          ? { scope, benchCase: a, figure: b }
          : null;
      case 'autotune':
        return name === 'autotune.seconds' ? { scope, figure: 'seconds' } : null;
      case 'class':
        return parts.length === 3 && a !== undefined && /^[a-z0-9-]+$/.test(a) && b === 'computeRatio'
          ? { scope, label: a, figure: b }
          : null;
      default:
        return null;
    }
  })();
  // Only names that read back exactly (no leading zeros in a shape, say) are this tool's.
  return found !== null && metricName(found) === name ? found : null;
}

const runFigures = Object.keys(RUN_FIGURES) as RunFigure[];

function parseShape(text: string | undefined): MatmulShape | null {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text ?? '');
  return m ? { m: Number(m[1]), n: Number(m[2]), k: Number(m[3]) } : null;
}

/** The slug a simulate bench case's name becomes in its metric: 'colossus mix 1,000 GPUs' -> 'colossus-mix-1-000-gpus'. */
export function benchCaseSlug(caseName: string): string {
  return caseName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}
