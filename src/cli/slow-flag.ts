import type { WorkFactor } from '../bench/measured-run.js';
import { UsageError } from '../errors.js';
import type { ClusterModel } from '../model/types.js';

/** The slowdowns `--slow` accepts: 1 (none) to 10 times slower. */
export const SLOW_FACTOR = { min: 1, max: 10 } as const;

/** What `--slow GEN=FACTOR` (repeatable) asked for: the report's record and the runner's per-class factors. */
export interface SlowWhatIf {
  /** GPU id -> factor, in the order given. */
  readonly slow: Readonly<Record<string, number>>;
  /** One factor per model class (1 for a generation not slowed). */
  readonly workFactor: WorkFactor;
}

/**
 * Parses every `--slow` value against the cluster: GEN must be a GPU id of its groups (every
 * group of that GPU is slowed), FACTOR a number from 1 to 10. Null when none is given.
 */
export function parseSlow(raw: readonly string[] | undefined, model: ClusterModel): SlowWhatIf | null {
  if (raw === undefined || raw.length === 0) return null;
  const ids = [...new Set(model.classes.map((c) => c.gpu.id))];
  const slow: Record<string, number> = {};
  for (const value of raw) {
    const eq = value.indexOf('=');
    if (eq < 0)
      throw new UsageError('--slow', value, `must be GEN=FACTOR, e.g. ${ids[0] ?? 'h100-sxm'}=1.1 (10% slower).`);
    const gen = value.slice(0, eq).trim();
    const factorText = value.slice(eq + 1).trim();
    if (!ids.includes(gen))
      throw new UsageError(
        '--slow',
        value,
        `names no GPU of cluster ${model.cluster.name}; its GPU ids are: ${ids.join(', ')}.`,
      );
    if (Object.hasOwn(slow, gen))
      throw new UsageError('--slow', value, `slows ${gen} a second time; give each GPU once.`);
    const factor = Number(factorText);
    if (factorText === '' || !Number.isFinite(factor) || factor < SLOW_FACTOR.min || factor > SLOW_FACTOR.max)
      throw new UsageError(
        '--slow',
        value,
        `needs a FACTOR from ${SLOW_FACTOR.min} to ${SLOW_FACTOR.max} (a slowdown: 1.1 = 10% slower).`,
      );
    slow[gen] = factor;
  }
  const workFactor = model.classes.map((c) => slow[c.gpu.id] ?? 1);
  return { slow, workFactor };
}
