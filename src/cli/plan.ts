import { EXIT_CODES, UsageError } from '../errors.js';
import { type PlanSummary, summarizePlan } from '../model/plan.js';
import { fmt, pct } from '../report/format.js';
import { formatTable } from '../report/table.js';
import { summarizeHybridPlan } from '../sim/hybrid-plan.js';
import { boolFlag, parseCommandArgs } from './args.js';
import { type Command, defineCommand } from './command.js';
import { jobFromFlags, modelFlagHelp, modelFlagOptions } from './model-flags.js';
import { assertFinite, printJson } from './output.js';
import { renderHybridPlan } from './plan-hybrid.js';
import { runPlanSearch, searchFlagHelp } from './plan-search.js';

const help = `
Usage: hetbench plan --cluster NAME|FILE --workload NAME|FILE [options]

Prints the analytic model of one workload on one cluster. DP-only (no layout flag): the
cluster (counts, total peak, capacity in H100-equivalents, memory), each generation's compute
time when the global batch is split equally, the memory-limited batch per GPU, and the
gradient all-reduce time. With a layout (--tp, --pp, ... or --layout FILE): the job's step as a
waterfall (compute, pipeline bubble, TP/CP comm, PP p2p, exposed DP sync, optimizer), TFLOP/s
per GPU and MFU, and per group its replicas and stages (layers, compute and communication per
micro-batch, idle time, memory per GPU). --json gives { plan, step: { seconds, tflopsPerGpu,
mfu, ... } }. With --search: the planner (docs/simulator.md, "Planner") enumerates layouts per
generation, pairs them with the lockstep, proportional-spec and minmax partitions and prints
the plans ranked by step time, and what the best one's speedup over lockstep comes from; --json
gives { search: { seconds, candidates, ... }, lockstep: PLAN, plans: [PLAN, ...] }. No GPU is used.

Options:
${modelFlagHelp}

${searchFlagHelp}
  --json                 print the plan as JSON
  -h, --help

Spec formats: docs/spec.md; formulas and units: docs/model.md.
Exit codes: 0 ok, 2 bad input (the message names the flag or JSON path, the value and what is allowed;
with --search also: no feasible plan, with the constraint that excluded the most and a fix),
70 internal error (a bug).
`;

export const planCommand: Command = defineCommand({
  name: 'plan',
  summary: 'model a workload on a mixed cluster: step time per generation, memory caps, all-reduce',
  help,
  run(argv) {
    const { values } = parseCommandArgs('plan', argv, {
      ...modelFlagOptions,
      json: { type: 'boolean' },
      search: { type: 'boolean' },
      top: { type: 'string' },
    });
    if (boolFlag(values, 'search')) return Promise.resolve(runPlanSearch(values));
    if (values['top'] !== undefined) throw new UsageError('--top', values['top'], 'applies to --search only.');
    const job = jobFromFlags(values);
    if (job.hybrid !== null) {
      const plan = summarizeHybridPlan(job.hybrid);
      assertFinite(plan, 'plan');
      if (boolFlag(values, 'json')) printJson({ plan, step: plan.step });
      else process.stdout.write(`${renderHybridPlan(plan)}\n`);
      return Promise.resolve(EXIT_CODES.ok);
    }
    const plan = summarizePlan(job.model);
    assertFinite(plan, 'plan');
    if (boolFlag(values, 'json')) printJson({ plan });
    else process.stdout.write(`${renderPlan(plan)}\n`);
    return Promise.resolve(EXIT_CODES.ok);
  },
});

function renderPlan(p: PlanSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  // Cluster totals span 1 to 10^6: thousands separators above 1,000, four figures below.
  const big = (x: number): string => (Math.abs(x) >= 1000 ? n(Math.round(x)) : fmt(x, 4));
  const clusterTable = formatTable(
    ['generation', 'GPUs', 'domain', 'scale-out GB/s', 'peak PFLOPS', 'H100-eq (peak)', 'H100-eq (model)', 'memory TB'],
    [
      ...p.classes.map((c) => [
        c.gpu,
        n(c.count),
        String(c.scaleUpDomain),
        fmt(c.scaleOutGBs),
        big(c.peakPflopsTotal),
        big(c.h100EquivalentsPeak),
        big(c.h100EquivalentsModelled),
        big(c.memoryTBTotal),
      ]),
      [
        'total',
        n(p.gpus),
        '',
        '',
        big(p.peakPflops),
        big(p.h100EquivalentsPeak),
        big(p.h100EquivalentsModelled),
        big(p.memoryTB),
      ],
    ],
  );
  const b = p.classes[0]?.equalSplitSequences ?? 0;
  const stepTable = formatTable(
    [
      'generation',
      'seqs/GPU',
      'micro-batches',
      'compute s',
      'idle',
      'MFU',
      'micro cap',
      'cap seqs',
      'fits',
      'fit: fixed s',
      'per seq s',
      'state shard GB',
    ],
    // micro-batches: gradient accumulation steps per GPU at the equal split (docs/model.md).
    p.classes.map((c) => [
      c.gpu,
      String(c.equalSplitSequences),
      String(c.microBatches),
      fmt(c.computeS),
      pct(c.idleFraction),
      pct(c.mfu),
      String(c.microBatchCap),
      String(c.memoryCapSequences),
      c.fits ? 'yes' : 'NO',
      fmt(c.fixedS),
      fmt(c.perSequenceS),
      fmt(c.shardedStateGB),
    ]),
  );
  const ar = p.allReduce;
  const bottleneck =
    ar.bottleneckGroup >= 0 ? ` (bounded by ${p.classes[ar.bottleneckGroup]?.gpu ?? '?'} domains)` : '';
  return [
    `Cluster ${p.cluster}${p.description === undefined ? '' : `: ${p.description}`}`,
    clusterTable,
    '',
    `Workload ${p.workload}: ${fmt(p.flopsPerSequence / 1e15, 4)} PFLOP per sequence (fwd+bwd), ` +
      `activations ${fmt(p.activationGBPerSequence)} GB per sequence, gradients ${fmt(p.gradientGB)} GB`,
    `Global batch ${n(p.globalBatchSequences)} sequences (${n(p.globalBatchTokens)} tokens); equal split: ${b} per GPU`,
    stepTable,
    '',
    `All-reduce (hierarchical ring): ${fmt(ar.intraDomainS)} s inside domains + ` +
      `${fmt(ar.interDomainS)} s across ${n(ar.domains)} domains${bottleneck} = ${fmt(ar.totalS)} s; ` +
      `exposed ${fmt(ar.exposedS)} s at overlap ${ar.overlap}`,
    `Lockstep step (equal split): ${fmt(p.lockstepStepS)} s = slowest compute + exposed all-reduce` +
      `${p.equalSplitFits ? '' : "  (the equal split does NOT fit every generation's memory)"}`,
  ].join('\n');
}
