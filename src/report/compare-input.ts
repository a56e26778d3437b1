import { UsageError } from '../errors.js';
import { specError } from '../spec/validate.js';
import { changeScale } from './metric.js';
import type { Report } from './schema.js';

/**
 * What compare requires of its reports beyond the schema: samples a comparison can use, a size
 * it can finish in seconds, and, for run reports, the same cluster and workload on both sides
 * (a different job is not a regression). Each failure is bad input, exit 2.
 */

/** Largest amount compare accepts: no time, rate or throughput hetbench reports comes near it. */
export const MAX_SAMPLE = 1e15;

/**
 * Largest magnitude of a fraction (loss, MFU). Not 1: one measured step that local noise made
 * faster than its ideal has a per-step MFU above 1 (a run on lab-a100-h100 recorded 1.76), and
 * compare must read the reports hetbench writes. Beyond 10 no measurement reaches.
 */
export const MAX_FRACTION = 10;

/**
 * Most samples compare tests per report (after --metrics): the bootstrap costs about 0.3 ms
 * per sample, so this keeps the worst case near 15 seconds. Real reports have a few thousand.
 */
export const MAX_COMPARED_SAMPLES = 50_000;

/**
 * Every metric's value and samples: an amount (a ratio-scale unit: seconds, rates) is positive
 * and at most MAX_SAMPLE; a fraction (points scale) is from -MAX_FRACTION to MAX_FRACTION. A zero or negative step
 * time would print a "-200% regression"; an Infinity from 1e999 in the JSON a NaN ratio.
 */
export function checkComparableSamples(report: Report, source: string): void {
  let total = 0;
  report.metrics.forEach((m, i) => {
    const points = changeScale(m.unit) === 'points';
    const bad = (x: number): boolean =>
      !Number.isFinite(x) || (points ? Math.abs(x) > MAX_FRACTION : x <= 0 || x > MAX_SAMPLE);
    const fix = points
      ? `must be a finite fraction from -${MAX_FRACTION} to ${MAX_FRACTION} (metric ${m.name}, unit ${m.unit}).`
      : `must be a positive finite number of at most 1e15 (metric ${m.name}, unit ${m.unit}); the report is corrupt or not from hetbench.`;
    if (bad(m.value)) throw specError(source, `$.metrics[${i}].value`, m.value, fix);
    const j = m.samples.findIndex(bad);
    if (j >= 0) throw specError(source, `$.metrics[${i}].samples[${j}]`, m.samples[j], fix);
    total += m.samples.length;
  });
  if (total > MAX_COMPARED_SAMPLES)
    throw specError(
      source,
      '$.metrics',
      `${total.toLocaleString('en-US')} samples`,
      `has more samples than compare tests (at most ${MAX_COMPARED_SAMPLES.toLocaleString('en-US')} per report); pick fewer metrics with --metrics.`,
    );
}

/** The canonical text of a JSON value: keys sorted, so key order never makes two specs differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function specName(spec: unknown): string {
  if (typeof spec !== 'object' || spec === null) return JSON.stringify(spec) ?? 'none';
  const r = spec as Record<string, unknown>;
  const name = r['name'] ?? r['preset'];
  return typeof name === 'string' ? JSON.stringify(name) : 'a spec';
}

export interface LabelledReport {
  readonly label: string;
  readonly report: Report;
}

/**
 * Run reports of different clusters or workloads measure different jobs: refuses them (a
 * UsageError on --allow-different saying which differ) unless `allowDifferent`. Bench reports
 * carry no job and always pass.
 */
export function checkSameJob(inputs: readonly LabelledReport[], allowDifferent: boolean): void {
  const runs = inputs.filter((i) => i.report.kind === 'run');
  const first = runs[0];
  if (first === undefined || allowDifferent || first.report.kind !== 'run') return;
  for (const other of runs.slice(1)) {
    if (other.report.kind !== 'run') continue;
    for (const what of ['cluster', 'workload'] as const) {
      const a = first.report.inputs[what];
      const b = other.report.inputs[what];
      if (canonical(a) !== canonical(b))
        throw new UsageError(
          '--allow-different',
          undefined,
          `DIFFERENT ${what.toUpperCase()}S: ${first.label} ran ${what} ${specName(a)} and ${other.label} ran ${specName(b)} ` +
            `(or the same name with other numbers); their figures measure different jobs, not a regression. ` +
            'Compare runs of one cluster and workload, or pass --allow-different to compare anyway.',
        );
    }
  }
}
