import type { HybridLossDecomposition } from '../sim/decompose-hybrid.js';
import type { LossDecomposition } from '../sim/figures.js';
import { percent, sig } from './format.js';

/**
 * Lockstep's loss split by cause, as the named parts every output (terminal, Markdown, HTML,
 * simulate and run alike) shows: the DP-only split (fractions of GPU-time, sim/decompose.ts)
 * or, for a hybrid-parallel job, the 3D split against the ideal step (sim/decompose-hybrid.ts).
 * The parts add up to `total` in both.
 */
export interface LossParts {
  readonly total: number;
  /** What total is a fraction of. */
  readonly of: 'GPU-time' | 'the step';
  readonly parts: readonly { readonly label: string; readonly value: number }[];
}

export function dpLossParts(d: LossDecomposition): LossParts {
  return {
    total: d.total,
    of: 'GPU-time',
    parts: [
      { label: 'generation mix', value: d.generationMix },
      { label: 'jitter', value: d.jitter },
      { label: 'communication', value: d.communication },
      { label: 'memory caps', value: d.memoryCaps },
    ],
  };
}

export function hybridLossParts(h: HybridLossDecomposition): LossParts {
  const parts: [string, number][] = [
    ['generation mix', h.generationMix],
    ['pipeline bubble', h.pipelineBubble],
    ['TP comm', h.tpCommunication],
    ['PP comm', h.ppCommunication],
    ['exposed DP sync', h.dpSync],
    ['jitter and tails', h.jitter],
    ['memory limits (recompute)', h.memoryLimits],
    ['batch granularity', h.batchGranularity],
    ['unused GPUs', h.unusedGpus],
  ];
  return {
    total: h.total,
    of: 'the step',
    // Float rounding (1e-16) would print as -0.0%.
    parts: parts.map(([label, v]) => ({ label, value: Math.abs(v) < 1e-12 ? 0 : v })),
  };
}

/** The run's or simulation's split: the 3D one where the job is hybrid-parallel. */
export function lossPartsOf(r: {
  readonly decomposition: LossDecomposition | null;
  readonly hybridDecomposition?: HybridLossDecomposition | undefined;
}): LossParts | null {
  if (r.hybridDecomposition !== undefined) return hybridLossParts(r.hybridDecomposition);
  return r.decomposition === null ? null : dpLossParts(r.decomposition);
}

/** One line: the 3D split's total against the ideal step, and each part (terminal and Markdown). */
export function hybridLossText(h: HybridLossDecomposition): string {
  const l = hybridLossParts(h);
  return (
    `${percent(l.total)} of the step against the ideal ${sig(h.steps.ideal)} s (every GPU computing all step) = ` +
    l.parts.map((p) => `${p.label} ${percent(p.value)}`).join(' + ')
  );
}
