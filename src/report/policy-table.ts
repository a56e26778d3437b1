import type { PolicyName } from '../policy/policy.js';
import { fmt, pct, percent, seconds, sig } from './format.js';
import type { RunReport } from './schema.js';
import type { Table } from './table.js';

/**
 * The policy table of a run report, computed once: one row per policy with every figure any
 * writer shows. The terminal (`hetbench run`), Markdown and HTML writers below only pick their
 * columns and number style; the three renderings cannot disagree about a figure.
 */
export interface PolicyTable {
  /** GPU id of each class, in the report's class order. */
  readonly classes: readonly string[];
  readonly rows: readonly PolicyTableRow[];
}

/** A figure measured on the local GPU beside the analytic model's prediction of it. */
export interface MeasuredAndModelled {
  readonly measured: number;
  readonly modelled: number;
  /** The measured figure's 95% interval (paired round bootstrap); absent in reports from before it. */
  readonly interval?: readonly [number, number];
}

/** `x [lo, hi]` in the style `f` gives each number; just `x` without an interval. */
export function withInterval(m: MeasuredAndModelled, f: (x: number) => string): string {
  return m.interval === undefined ? f(m.measured) : `${f(m.measured)} [${f(m.interval[0])}, ${f(m.interval[1])}]`;
}

export interface PolicyTableRow {
  readonly policy: PolicyName;
  readonly stepS: MeasuredAndModelled;
  readonly stragglerLoss: MeasuredAndModelled;
  readonly mfu: MeasuredAndModelled;
  readonly speedup: MeasuredAndModelled;
  /** Measured. */
  readonly tokensPerS: number;
  /** Measured busy fraction per class, as the report holds it. */
  readonly busy: readonly number[];
  /** Each class's share of the global batch, in `classes` order. */
  readonly share: readonly number[];
}

export function policyTable(report: RunReport): PolicyTable {
  const classes = report.classes.map((c) => c.gpu);
  return {
    classes,
    rows: report.policies.map((p) => {
      const both = (figure: 'stepS' | 'stragglerLoss' | 'mfu' | 'speedup'): MeasuredAndModelled => {
        // Reports written before intervals existed have no `ci`.
        const interval = (p.measured.ci as Partial<typeof p.measured.ci> | undefined)?.[figure];
        return {
          measured: p.measured[figure],
          modelled: p.predicted[figure],
          ...(interval === undefined ? {} : { interval }),
        };
      };
      const total = p.allocation.reduce((a, b) => a + b, 0) || 1;
      return {
        policy: p.policy,
        stepS: both('stepS'),
        stragglerLoss: both('stragglerLoss'),
        mfu: both('mfu'),
        speedup: both('speedup'),
        tokensPerS: p.measured.tokensPerS,
        busy: p.measured.busy,
        share: classes.map((_, i) => (p.allocation[i] ?? 0) / total),
      };
    }),
  };
}

/** The terminal's columns: each measured figure beside its model, and busy per generation. */
export function policyTableForTerminal(t: PolicyTable): Table {
  return {
    header: [
      'policy',
      'step s',
      '(model)',
      'loss',
      '(model)',
      'MFU',
      '(model)',
      'speedup',
      '(model)',
      `busy ${t.classes.join('/')}`,
    ],
    rows: t.rows.map((r) => [
      r.policy,
      withInterval(r.stepS, fmt),
      fmt(r.stepS.modelled),
      withInterval(r.stragglerLoss, pct),
      pct(r.stragglerLoss.modelled),
      withInterval(r.mfu, pct),
      pct(r.mfu.modelled),
      withInterval(r.speedup, (x) => `${fmt(x)}x`),
      `${fmt(r.speedup.modelled)}x`,
      r.busy.map((b) => pct(b, 0)).join('/'),
    ]),
  };
}

/** Markdown's columns: measured figures (step time also modelled), tokens/s, busy per generation. */
export function policyTableForMarkdown(t: PolicyTable): Table {
  return {
    header: [...measuredHeader, ...t.classes.map((gpu) => `${gpu} busy`)],
    rows: t.rows.map((r) => [
      ...measuredCells(r, (s) => `${sig(s)} s`),
      ...t.classes.map((_, i) => percent(r.busy[i] ?? Number.NaN)),
    ]),
  };
}

/** HTML's columns: Markdown's, with times in readable units and each generation's batch share. */
export function policyTableForHtml(t: PolicyTable): Table {
  return {
    header: [...measuredHeader, ...t.classes.map((gpu) => `${gpu} share`)],
    rows: t.rows.map((r) => [...measuredCells(r, seconds), ...r.share.map((s) => percent(s))]),
  };
}

const measuredHeader = [
  'policy',
  'step (measured)',
  'step (model)',
  'speedup',
  'straggler loss',
  'MFU',
  'tokens/s',
] as const;

function measuredCells(r: PolicyTableRow, time: (s: number) => string): string[] {
  return [
    r.policy,
    withInterval(r.stepS, time),
    time(r.stepS.modelled),
    withInterval(r.speedup, (x) => `×${sig(x)}`),
    withInterval(r.stragglerLoss, percent),
    withInterval(r.mfu, percent),
    sig(r.tokensPerS),
  ];
}
