import { SpecError, UsageError } from '../errors.js';
import {
  type AttentionKernel,
  DEFAULT_LAYOUT,
  type LayoutSpec,
  type RecomputeMode,
  type ZeroStage,
} from '../model/layout.js';
import type { MixedLayoutSpec, MixedStageSpec } from '../model/mixed-stages.js';
import { readJsonFile } from '../spec/read-json-file.js';
import { validate } from '../spec/validate.js';
import { recomputeMode } from '../workload/shape.js';
import type { WorkloadSpec } from '../workload/types.js';
import { boolFlag, choiceFlag, intFlag, type ParsedArgs, stringFlag } from './args.js';

/**
 * The hybrid-parallel layout flags of plan, simulate and run. Without any of them a job is
 * the DP-only model (every GPU a data-parallel worker, the states sharded over all of them);
 * with one, every group runs the layout they give (or the layout file's, one per group).
 */
export const layoutFlagOptions = {
  tp: { type: 'string' },
  pp: { type: 'string' },
  cp: { type: 'string' },
  'micro-batch': { type: 'string' },
  schedule: { type: 'string' },
  interleave: { type: 'string' },
  zero: { type: 'string' },
  recompute: { type: 'string' },
  'sequence-parallel': { type: 'boolean' },
  attention: { type: 'string' },
  layout: { type: 'string' },
} as const;

export const layoutFlagHelp = `Hybrid-parallel layout (any of these switches from the DP-only model to TP x PP x DP replicas):
  --tp N                 tensor-parallel degree, inside the scale-up domain (default 1)
  --pp N                 pipeline stages (default 1)
  --cp N                 context-parallel degree (default 1)
  --micro-batch N        sequences per micro-batch (default 1)
  --schedule S           1f1b | interleaved (default 1f1b; interleaved when --interleave > 1)
  --interleave V         virtual stages per device for the interleaved schedule (default 1)
  --zero Z               0 | 1 | 2 | 3: what is sharded over DP (default 1: optimizer states)
  --recompute R          none | selective | full (default: the workload's)
  --sequence-parallel    shard norms and dropout over TP (Korthikanti et al. 2022)
  --attention A          flash | unfused (default flash)
  --layout FILE          a layout file (schemas/layout.schema.json): one layout, or one per group`;

const LAYOUT_FLAGS = Object.keys(layoutFlagOptions).filter((k) => k !== 'layout');

interface LayoutFileEntry {
  readonly tp?: number;
  readonly pp?: number;
  readonly cp?: number;
  readonly microBatch?: number;
  readonly schedule?: '1f1b' | 'interleaved';
  readonly interleave?: number;
  readonly zero?: ZeroStage;
  readonly recompute?: RecomputeMode;
  readonly sequenceParallel?: boolean;
  readonly attention?: AttentionKernel;
  readonly layersPerStage?: readonly number[];
  readonly stages?: readonly MixedStageSpec[];
  readonly replicas?: number;
}

/** What a layout file or the flags give: the groups' layouts, and the mixed pipelines. */
export interface LayoutsGiven {
  readonly layouts: LayoutSpec[];
  /** Layouts with `stages`, in the file's order (model/mixed-stages.ts). */
  readonly mixed: MixedLayoutSpec[];
  /** Each mixed layout's index in the file's `layouts`, for error paths. */
  readonly mixedAt: number[];
}

/** The layouts the flags give, or null when none is given (the DP-only model). */
export function layoutsFromFlags(values: ParsedArgs['values'], workload: WorkloadSpec): LayoutSpec[] | null {
  const given = layoutsGiven(values, workload);
  return given === null ? null : given.layouts;
}

/**
 * The layouts and mixed pipelines the flags give, or null when none is given. A file's entries
 * with `stages` are mixed pipelines; the others keep their meaning (one for all groups, or one
 * per group), counted without the mixed ones.
 */
export function layoutsGiven(values: ParsedArgs['values'], workload: WorkloadSpec): LayoutsGiven | null {
  const file = stringFlag(values, 'layout');
  const given = LAYOUT_FLAGS.filter((k) => values[k] !== undefined);
  if (file !== undefined && given.length > 0)
    throw new UsageError(
      `--${given[0]}`,
      values[given[0] ?? ''],
      'cannot be combined with --layout: give the layout in the file, or use flags only.',
    );
  if (file !== undefined) {
    const parsed = validate<{ layouts: LayoutFileEntry[] }>('layout', readJsonFile(file, 'layout', []), {
      source: file,
    });
    const out: LayoutsGiven = { layouts: [], mixed: [], mixedAt: [] };
    parsed.layouts.forEach((entry, i) => {
      if (entry.stages !== undefined) {
        out.mixed.push(mixedEntry(entry, i, workload));
        out.mixedAt.push(i);
        return;
      }
      if (entry.replicas !== undefined)
        throw new SpecError(`$.layouts[${i}].replicas`, entry.replicas, 'applies to a mixed pipeline: add "stages".');
      if (entry.schedule === '1f1b' && (entry.interleave ?? 1) > 1)
        throw new SpecError(`$.layouts[${i}].interleave`, entry.interleave, 'needs "schedule": "interleaved".');
      if (entry.schedule === 'interleaved' && (entry.interleave ?? 1) < 2)
        throw new SpecError(
          `$.layouts[${i}].interleave`,
          entry.interleave,
          'must be at least 2 with "schedule": "interleaved" (the virtual stages per device).',
        );
      out.layouts.push(fromEntry(entry, workload));
    });
    return out;
  }
  if (given.length === 0) return null;
  const interleave = intFlag('--interleave', stringFlag(values, 'interleave'), 1, 1, 128);
  const schedule = choiceFlag('--schedule', stringFlag(values, 'schedule'), interleave > 1 ? 'interleaved' : '1f1b', [
    '1f1b',
    'interleaved',
  ] as const);
  if (schedule === '1f1b' && interleave > 1)
    throw new UsageError('--interleave', interleave, 'needs --schedule interleaved (1f1b has one stage per device).');
  if (schedule === 'interleaved' && interleave < 2)
    throw new UsageError(
      '--interleave',
      interleave,
      'must be at least 2 with --schedule interleaved (the virtual stages per device).',
    );
  const zero = intFlag('--zero', stringFlag(values, 'zero'), DEFAULT_LAYOUT.zero, 0, 3) as ZeroStage;
  const entry: LayoutFileEntry = {
    tp: intFlag('--tp', stringFlag(values, 'tp'), 1, 1, 1024),
    pp: intFlag('--pp', stringFlag(values, 'pp'), 1, 1, 1024),
    cp: intFlag('--cp', stringFlag(values, 'cp'), 1, 1, 1024),
    microBatch: intFlag('--micro-batch', stringFlag(values, 'micro-batch'), 1, 1, 65_536),
    schedule,
    interleave,
    zero,
    recompute: choiceFlag('--recompute', stringFlag(values, 'recompute'), recomputeMode(workload), [
      'none',
      'selective',
      'full',
    ] as const),
    sequenceParallel: boolFlag(values, 'sequence-parallel'),
    attention: choiceFlag('--attention', stringFlag(values, 'attention'), 'flash', ['flash', 'unfused'] as const),
  };
  return { layouts: [fromEntry(entry, workload)], mixed: [], mixedAt: [] };
}

/** A mixed pipeline's entry: its stages make pp and the schedule is 1F1B, so neither is given. */
function mixedEntry(e: LayoutFileEntry, i: number, workload: WorkloadSpec): MixedLayoutSpec {
  for (const key of ['pp', 'schedule', 'interleave'] as const)
    if (e[key] !== undefined)
      throw new SpecError(
        `$.layouts[${i}].${key}`,
        e[key],
        'cannot be given with "stages": the stages make the pipeline (pp = their count), run as 1f1b.',
      );
  const {
    pp: _pp,
    schedule: _schedule,
    interleave: _interleave,
    ...rest
  } = fromEntry({ ...e, pp: 1 }, workload) as LayoutSpec & { interleave?: number };
  return {
    ...rest,
    stages: e.stages ?? [],
    ...(e.replicas === undefined ? {} : { replicas: e.replicas }),
  };
}

function fromEntry(e: LayoutFileEntry, workload: WorkloadSpec): LayoutSpec {
  const v = e.interleave ?? 1;
  const interleaved = (e.schedule ?? (v > 1 ? 'interleaved' : '1f1b')) === 'interleaved';
  return {
    tp: e.tp ?? 1,
    pp: e.pp ?? 1,
    cp: e.cp ?? 1,
    microBatch: e.microBatch ?? 1,
    schedule: interleaved ? { kind: 'interleaved', virtualStages: v } : { kind: '1f1b' },
    zero: e.zero ?? DEFAULT_LAYOUT.zero,
    recompute: e.recompute ?? recomputeMode(workload),
    sequenceParallel: e.sequenceParallel ?? false,
    ...(e.attention === undefined ? {} : { attention: e.attention }),
    ...(e.layersPerStage === undefined ? {} : { layersPerStage: e.layersPerStage }),
  };
}

/**
 * The flag (or layout-file path) a layout parameter comes from, for error messages. `plainAt`
 * maps the n-th layout without stages to its index in the file (default: the same).
 */
export function layoutField(
  values: ParsedArgs['values'],
  group: number,
  name: keyof LayoutSpec,
  plainAt: readonly number[] = [],
): string {
  if (stringFlag(values, 'layout') !== undefined) return `$.layouts[${plainAt[group] ?? group}].${name}`;
  const flags: Record<keyof LayoutSpec, string> = {
    tp: '--tp',
    pp: '--pp',
    cp: '--cp',
    microBatch: '--micro-batch',
    schedule: '--interleave',
    zero: '--zero',
    recompute: '--recompute',
    sequenceParallel: '--sequence-parallel',
    attention: '--attention',
    layersPerStage: '--layout',
  };
  return flags[name];
}
