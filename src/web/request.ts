import { LOCAL_SIZE, RUN_DEFAULTS, type RunSize } from '../bench/run-size.js';
import { clusterPresetNames } from '../cluster/presets.js';
import { UsageError } from '../errors.js';
import { type BuiltinPolicyName, getPolicy, isPolicyName, policyNames } from '../policy/index.js';
import { workloadPresetNames } from '../workload/presets.js';

/** What the page runs: the query string's or the form's choices, checked. */
export interface PageRequest {
  /** A cluster preset name, or a cluster spec as JSON text (pasted). */
  readonly cluster: string;
  readonly workload: string;
  readonly policies: readonly BuiltinPolicyName[];
  readonly size: RunSize;
  readonly steps: number;
  readonly seed: number;
  /** Tune kernels on a tuning-cache miss (as `hetbench run` does), or use the static defaults. */
  readonly autotune: boolean;
}

/** `?run=quick|default` starts a run on load; anything else in the query is its settings. */
export interface PageQuery {
  readonly autorun: RunSize | null;
  readonly request: PageRequest;
}

/** Query parameters the page knows; another is a mistake worth naming. */
export const QUERY_PARAMETERS = ['run', 'cluster', 'workload', 'policy', 'steps', 'seed', 'autotune'] as const;

const MAX_STEPS = 1000;

/**
 * Reads `?run=quick&cluster=colossus-1&workload=70b&policy=lockstep,minmax&steps=4&seed=1&autotune=off`.
 * Each bad value is a UsageError naming `?name=`, the value and the fix, as a CLI flag's would be.
 */
export function parseQuery(search: string): PageQuery {
  const params = new URLSearchParams(search);
  for (const key of params.keys())
    if (!(QUERY_PARAMETERS as readonly string[]).includes(key))
      throw new UsageError(`?${key}=`, params.get(key), `is not a parameter; use: ${QUERY_PARAMETERS.join(', ')}.`);
  const run = params.get('run');
  if (run !== null && run !== 'quick' && run !== 'default')
    throw new UsageError('?run=', run, 'must be quick or default.');
  const size: RunSize = run === 'quick' ? 'quick' : 'full';
  return {
    autorun: run === null ? null : size,
    request: pageRequest({
      cluster: params.get('cluster'),
      workload: params.get('workload'),
      policy: params.get('policy'),
      steps: params.get('steps'),
      seed: params.get('seed'),
      autotune: params.get('autotune'),
      size,
    }),
  };
}

/** The raw choices (query or form, null where not given) as a checked request. */
export function pageRequest(raw: {
  readonly cluster: string | null;
  readonly workload: string | null;
  readonly policy: string | null;
  readonly steps: string | null;
  readonly seed: string | null;
  readonly autotune: string | null;
  readonly size: RunSize;
}): PageRequest {
  const cluster = raw.cluster?.trim() || RUN_DEFAULTS.cluster;
  if (!cluster.startsWith('{') && !clusterPresetNames.includes(cluster))
    throw new UsageError('?cluster=', cluster, `must be a preset (${clusterPresetNames.join(', ')}) or a JSON spec.`);
  const workload = raw.workload?.trim() || RUN_DEFAULTS.workload;
  if (!workload.startsWith('{') && !workloadPresetNames.includes(workload))
    throw new UsageError(
      '?workload=',
      workload,
      `must be a preset (${workloadPresetNames.join(', ')}) or a JSON spec.`,
    );
  const defaultSteps = raw.size === 'quick' ? RUN_DEFAULTS.quickSteps : RUN_DEFAULTS.steps;
  const autotune = raw.autotune ?? 'on';
  if (autotune !== 'on' && autotune !== 'off') throw new UsageError('?autotune=', autotune, 'must be on or off.');
  return {
    cluster,
    workload,
    policies: policiesOf(raw.policy),
    size: raw.size,
    steps: wholeNumber('?steps=', raw.steps, defaultSteps, 1, MAX_STEPS),
    seed: wholeNumber('?seed=', raw.seed, RUN_DEFAULTS.seed, 0, 2 ** 32 - 1),
    autotune: autotune === 'on',
  };
}

/** The local work of a run of this size (as `hetbench run` sizes it). */
export function localSize(size: RunSize): (typeof LOCAL_SIZE)[RunSize] {
  return LOCAL_SIZE[size];
}

function policiesOf(raw: string | null): BuiltinPolicyName[] {
  if (raw === null || raw.trim() === '' || raw === 'all') return [...policyNames];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    // The page runs the built-ins (a module path is a Node feature): getPolicy names the bad one.
    return [...new Set(names.map((n) => getPolicy(n).name).filter(isPolicyName))];
  } catch (err) {
    throw err instanceof UsageError ? err.withField('?policy=') : err;
  }
}

function wholeNumber(field: string, raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(field, raw, `must be a whole number from ${min} to ${max.toLocaleString('en-US')}.`);
  return n;
}
