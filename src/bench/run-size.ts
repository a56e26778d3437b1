/**
 * What a measured run is by default, for every front end (`hetbench run`, the browser page):
 * the cluster and workload, the steps, the seed, and the knobs that set a run's length, local
 * GPU seconds per lockstep step and the fewest whole units the slowest class runs (the
 * granularity of the work).
 */
export const RUN_DEFAULTS = { cluster: 'colossus-1', workload: '70b', steps: 16, quickSteps: 8, seed: 1 } as const;

export type RunSize = 'full' | 'quick';

export const LOCAL_SIZE = {
  full: { stepBudgetS: 0.16, minRefUnits: 32 },
  quick: { stepBudgetS: 0.08, minRefUnits: 20 },
} as const satisfies Record<RunSize, { readonly stepBudgetS: number; readonly minRefUnits: number }>;
