import { fmt, pct } from '../report/format.js';
import { formatTable } from '../report/table.js';
import type { HybridPlanGroup, HybridPlanMixed, HybridPlanStage, HybridPlanSummary } from '../sim/hybrid-plan.js';
import type { Waterfall } from '../sim/hybrid-step.js';

/** The terminal view of a hybrid-parallel plan: the step as a waterfall, then each group's layout and stages. */
export function renderHybridPlan(p: HybridPlanSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines = [
    `Job ${p.workload} on ${p.cluster}: ${n(p.gpus)} GPUs, global batch ${n(p.globalBatchSequences)} sequences ` +
      `(${n(p.globalBatchTokens)} tokens)`,
    `Step ${fmt(p.step.seconds)} s, ${fmt(p.step.tflopsPerGpu)} TFLOP/s per GPU, MFU ${pct(p.step.mfu)}, ` +
      `${n(Math.round(p.step.tokensPerS))} tokens/s${p.step.fits ? '' : '  (a layout does NOT fit in memory: see the stages)'}`,
    '',
    waterfall(p.step.waterfall, p.step.seconds),
  ];
  for (const g of p.groups) lines.push('', ...groupLines(g));
  for (const m of p.mixed ?? []) lines.push('', ...mixedLines(m));
  lines.push('', `FLOPs: ${p.flopConvention}. Formulas and units: docs/model.md; validation: docs/validation.md.`);
  return lines.join('\n');
}

const PARTS: readonly [keyof Waterfall, string][] = [
  ['computeS', 'compute'],
  ['bubbleS', 'pipeline bubble'],
  ['tpCommS', 'TP/CP comm'],
  ['ppCommS', 'PP p2p'],
  ['dpExposedS', 'exposed DP sync'],
  ['optimizerS', 'optimizer'],
];

/** One bar per part, each as long as its share of the step (60 columns for the whole step). */
function waterfall(w: Waterfall, stepS: number): string {
  const width = 60;
  let start = 0;
  const rows = PARTS.map(([key, label]) => {
    const s = w[key];
    const from = stepS > 0 ? Math.round((start / stepS) * width) : 0;
    start += s;
    const to = stepS > 0 ? Math.round((start / stepS) * width) : 0;
    const bar = ' '.repeat(from) + '#'.repeat(Math.max(s > 0 ? 1 : 0, to - from));
    return [label, fmt(s), pct(stepS > 0 ? s / stepS : 0), bar];
  });
  return formatTable(
    ['step waterfall', 's', 'share', ''],
    [...rows, ['step', fmt(stepS), '100%', '']],
    ['left', 'right', 'right', 'left'],
  );
}

function groupLines(g: HybridPlanGroup): string[] {
  const l = g.layout;
  const sched = l.schedule === 'interleaved' ? `interleaved x${l.interleave}` : '1f1b';
  const head =
    `${g.gpu} x ${g.count.toLocaleString('en-US')}: tp ${l.tp} x pp ${l.pp} x cp ${l.cp} x dp ${l.dp}` +
    `${g.unusedGpus > 0 ? ` (${g.unusedGpus} GPUs unused, idle)` : ''}; ${shareText(g)} ` +
    `= ${l.microBatches} micro-batches of ${l.microBatch}; ${sched}; ZeRO ${l.zero}; recompute ${l.recompute}; ` +
    `${l.sequenceParallel ? 'sequence parallel; ' : ''}${l.attention} attention`;
  const summary =
    `  step ${fmt(g.step.seconds)} s, ${fmt(g.step.tflopsPerGpu)} TFLOP/s per GPU, MFU ${pct(g.step.mfu)}, ` +
    `bubble ${pct(g.bubbleFraction)} of stage time`;
  return [head, summary, stageTable(g.stages)];
}

/** A mixed-generation pipeline: its generations, then one row per stage with its generation. */
function mixedLines(m: HybridPlanMixed): string[] {
  const l = m.layout;
  const runs: string[] = [];
  m.stageGpus.forEach((g, i) => {
    if (i > 0 && m.stageGpus[i - 1] === g) {
      const last = runs.pop() ?? '';
      const [id, n] = last.split(' x ');
      runs.push(`${id} x ${Number(n) + 1}`);
    } else runs.push(`${g} x 1`);
  });
  const head =
    `mixed pipeline ${runs.join(' -> ')} (stages): tp ${l.tp} x pp ${l.pp} x cp ${l.cp} x ${m.replicas.toLocaleString('en-US')} replicas ` +
    `(${m.gpus.toLocaleString('en-US')} GPUs); ${m.sequencesPerReplica} sequences per replica = ${l.microBatches} micro-batches of ` +
    `${l.microBatch}; 1f1b; ZeRO ${l.zero}; recompute ${l.recompute}; layers per stage ` +
    `${m.balancedLayers ? 'balanced over the generations' : 'as given'}`;
  const summary =
    `  step ${fmt(m.step.seconds)} s, ${fmt(m.step.tflopsPerGpu)} TFLOP/s per GPU, MFU ${pct(m.step.mfu)}, ` +
    `bubble ${pct(m.bubbleFraction)} of stage time`;
  return [head, summary, stageTable(m.stages)];
}

function stageTable(stages: readonly HybridPlanStage[]): string {
  const mixed = stages.some((s) => s.gpu !== undefined);
  return formatTable(
    [
      'stage',
      ...(mixed ? ['gpu'] : []),
      'layers',
      'compute/mb s',
      'comm/mb s',
      'idle s',
      'DP exposed s',
      'in flight',
      'memory GB',
      'fits',
    ],
    stages.map((s) => [
      String(s.stage),
      ...(mixed ? [s.gpu ?? ''] : []),
      String(s.layers),
      fmt(s.computeS),
      fmt(s.commS),
      fmt(s.bubbleS),
      fmt(s.dpExposedS),
      String(s.inFlightMicroBatches),
      `${fmt(s.memoryGB.total)} / ${fmt(s.memoryGB.capacity)}`,
      s.fits ? 'yes' : `NO (short ${fmt(s.memoryGB.total - s.memoryGB.capacity)} GB)`,
    ]),
  );
}

/** "16 sequences per replica", or, when the batch does not divide, how many replicas run one fewer. */
function shareText(g: HybridPlanGroup): string {
  const full = g.sequencesPerReplica;
  const fewer = full * g.replicas - g.sequences;
  if (fewer <= 0) return `${full} sequences per replica`;
  return `${full} sequences per replica (${fewer.toLocaleString('en-US')} of ${g.replicas.toLocaleString('en-US')} run ${full - 1})`;
}
