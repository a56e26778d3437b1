import { parseArgs } from 'node:util';
import { environmentOf } from '../src/bench/environment.js';
import type { Environment } from '../src/bench/environment-info.js';
import { UsageError } from '../src/errors.js';
import { closeGpu, openGpu } from '../src/gpu/open.js';
import { OutputPlan, type OutputTarget } from '../src/io/output-path.js';
import { fileWrite, writeOutput } from '../src/io/write-outputs.js';
import { shapeKey } from '../src/kernels/kernel.js';
import { type ProbeResult, probeRoofline } from '../src/kernels/probe.js';
import { fmt, pct } from '../src/report/format.js';
import { benchCaseSlug, type Metric, metric } from '../src/report/metric.js';
import { type BenchReport, type KernelResult, SCHEMA_VERSION } from '../src/report/schema.js';
import { formatTable } from '../src/report/table.js';
import { VERSION } from '../src/version.js';
import { type BlasRun, runBlasBench } from './blas.js';
import { type KernelBenchResult, runKernelBench } from './kernels.bench.js';
import { type PlanBenchResult, planBenchTable, runPlanBench } from './plan.bench.js';
import { type PlanSearchBenchResult, planSearchBenchTable, runPlanSearchBench } from './plan-search.bench.js';
import { runSimulateBench, type SimulateBenchResult } from './simulate.bench.js';

/**
 * `npm run bench`: the roofline probe, every kernel at every bench shape (tinybench, GPU
 * timestamps), numpy's BLAS on the same CPU, and the simulator bench; prints tables and writes a
 * BenchReport (src/report/schema.ts) atomically to out/bench.json or --out FILE.
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'out/bench.json' },
    'no-blas': { type: 'boolean', default: false },
    'no-simulate': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('Usage: npm run bench -- [--quick] [--out FILE] [--no-blas] [--no-simulate]\n');
  process.exit(0);
}
const quick = values.quick;
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

/** --out is checked before the minutes of GPU work (same rules as the CLI: src/io/output-path.ts). */
function checkedOut(path: string): OutputTarget {
  try {
    return new OutputPlan().add('--out', path) as OutputTarget;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: error: ${err.message}\n`);
    process.exit(2);
  }
}
const reportOut = checkedOut(values.out);

const gpu = await openGpu();
let roofline: ProbeResult;
let kernels: KernelBenchResult;
let environment: Environment;
try {
  environment = environmentOf(gpu);
  log(`adapter ${gpu.info.description || gpu.info.device}`);
  roofline = await probeRoofline(gpu, { reps: quick ? 3 : 5 });
  log(
    `roofline: FMA f32 ${fmt(roofline.fmaF32Gflops)} GFLOP/s, ` +
      `f16 ${roofline.fmaF16Gflops === null ? 'n/a' : fmt(roofline.fmaF16Gflops)}, copy ${fmt(roofline.bandwidthGBs)} GB/s`,
  );
  kernels = await runKernelBench(gpu, { quick, roofline, log });
} finally {
  closeGpu(gpu);
}

const squares = kernels.rows
  .filter((r) => r.role === 'tuned' && r.shape.m === r.shape.n && r.shape.n === r.shape.k)
  .map((r) => r.shape);
let blas: BlasRun | null = null;
if (!values['no-blas']) {
  log('timing numpy BLAS sgemm on the same CPU');
  blas = runBlasBench(squares, quick ? 3 : 5);
  if (!blas) log('python3 with numpy not found: no native BLAS comparison');
}
let simulate: SimulateBenchResult[] = [];
let plan: PlanBenchResult | null = null;
let planSearch: PlanSearchBenchResult[] = [];
if (!values['no-simulate']) {
  log('simulator bench');
  simulate = await runSimulateBench({ timeMs: quick ? 300 : 2000 });
  log('hybrid plan bench');
  plan = runPlanBench();
  log('plan --search bench');
  planSearch = runPlanSearchBench(quick ? 1 : 3);
}

// ---- report ----
const metrics: Metric[] = [];
const results: KernelResult[] = [];
for (const r of kernels.rows) {
  metrics.push(metric({ scope: 'kernel', role: r.role, shape: r.shape, figure: 'gflops' }, r.gflops, r.samples));
  // The busy-polling row is the same kernel under a handicap: a metric, not a kernel result.
  if (r.role !== 'tuned-busy-polling')
    results.push({
      kernel: r.kernel,
      m: r.shape.m,
      n: r.shape.n,
      k: r.shape.k,
      dtype: r.dtype,
      gflops: r.gflops,
      samples: r.samples,
      fractionOfPeak: r.fractionOfPeak,
    });
}
metrics.push(
  metric({ scope: 'probe', probe: 'fma.f32', figure: 'gflops' }, roofline.fmaF32Gflops, roofline.samples.fmaF32),
);
if (roofline.fmaF16Gflops !== null && roofline.samples.fmaF16) {
  metrics.push(
    metric({ scope: 'probe', probe: 'fma.f16', figure: 'gflops' }, roofline.fmaF16Gflops, roofline.samples.fmaF16),
  );
}
metrics.push(
  metric({ scope: 'probe', probe: 'bandwidth', figure: 'gbs' }, roofline.bandwidthGBs, roofline.samples.bandwidth),
);
for (const b of blas?.results ?? [])
  metrics.push(metric({ scope: 'blas', library: 'numpy', shape: b.shape, figure: 'gflops' }, b.gflops, b.samples));
for (const s of simulate)
  metrics.push(metric({ scope: 'simulate', benchCase: benchCaseSlug(s.name), figure: 'meanMs' }, s.meanMs, [s.meanMs]));
// The plan bench's 20 timings of each kind, under the simulate scope's meanMs figure (their mean).
if (plan) {
  for (const [kind, ms] of [['cold', plan.coldMs] as const, ['warm', plan.warmMs] as const]) {
    const benchCase = benchCaseSlug(`${plan.name} ${kind}`);
    const meanMs = ms.reduce((a, b) => a + b, 0) / ms.length;
    metrics.push(metric({ scope: 'simulate', benchCase, figure: 'meanMs' }, meanMs, ms));
  }
}
// The planner's whole-process times, under the same scope and figure.
for (const r of planSearch) {
  const meanMs = r.ms.reduce((a, b) => a + b, 0) / r.ms.length;
  metrics.push(metric({ scope: 'simulate', benchCase: benchCaseSlug(r.name), figure: 'meanMs' }, meanMs, r.ms));
}
metrics.push(metric({ scope: 'autotune', figure: 'seconds' }, kernels.tuneS, [kernels.tuneS]));

const report: BenchReport = {
  schemaVersion: SCHEMA_VERSION,
  kind: 'bench',
  tool: { name: 'hetbench', version: VERSION },
  createdAt: new Date().toISOString(),
  environment,
  metrics,
  kernels: results,
  roofline: {
    fmaF32Gflops: roofline.fmaF32Gflops,
    fmaF16Gflops: roofline.fmaF16Gflops,
    bandwidthGBs: roofline.bandwidthGBs,
  },
  blas: blas ? blas.results.map((b) => ({ ...b.shape, gflops: b.gflops })) : null,
};
try {
  writeOutput(fileWrite(reportOut, `${JSON.stringify(report, null, 2)}\n`));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`bench: error: ${err.message}\n`);
  process.exitCode = 2;
}

// ---- tables ----
const out: string[] = [];
out.push(
  `adapter: ${environment.adapter?.description ?? 'unknown'}${environment.adapter?.isFallbackAdapter ? ' (software)' : ''}; ` +
    `CPU ${environment.cpu}, ${environment.cores} cores`,
);
out.push(
  `roofline (probe): FMA f32 ${fmt(roofline.fmaF32Gflops)} GFLOP/s, ` +
    `FMA f16 ${roofline.fmaF16Gflops === null ? 'n/a' : `${fmt(roofline.fmaF16Gflops)} GFLOP/s`}, ` +
    `bandwidth ${fmt(roofline.bandwidthGBs)} GB/s (read+write)`,
);
out.push('');
out.push(
  formatTable(
    ['kernel', 'shape', 'dtype', 'config', 'GFLOP/s', 'ms (median)', 'of FMA peak'],
    kernels.rows.map((r) => [
      r.role,
      shapeKey(r.shape),
      r.dtype,
      r.kernel,
      fmt(r.gflops),
      fmt(r.medianMs),
      r.fractionOfPeak === null ? '-' : pct(r.fractionOfPeak),
    ]),
    ['left', 'left', 'left', 'left', 'right', 'right', 'right'],
  ),
);
out.push('');
// The headline: reference vs tuned vs native BLAS, per square shape.
const headline = squares.map((shape) => {
  const key = shapeKey(shape);
  const naive = kernels.rows.find((r) => r.role === 'naive' && shapeKey(r.shape) === key)?.gflops;
  const tuned = kernels.rows.find((r) => r.role === 'tuned' && shapeKey(r.shape) === key)?.gflops ?? Number.NaN;
  const native = blas?.results.find((b) => shapeKey(b.shape) === key)?.gflops;
  return [
    key,
    naive === undefined ? '-' : fmt(naive),
    fmt(tuned),
    native === undefined ? '-' : fmt(native),
    naive === undefined ? '-' : `${fmt(tuned / naive)}x`,
    native === undefined ? '-' : pct(tuned / native),
    pct(tuned / roofline.fmaF32Gflops),
  ];
});
out.push(
  formatTable(
    [
      'f32 square',
      'reference GFLOP/s',
      'tuned GFLOP/s',
      'BLAS GFLOP/s',
      'tuned / reference',
      'tuned / BLAS',
      'tuned / FMA peak',
    ],
    headline,
  ),
);
if (blas) out.push(`BLAS: ${blas.library} (OPENBLAS_CORETYPE/L2_SIZE unset for this subprocess)`);
const busy = kernels.rows.find((r) => r.role === 'tuned-busy-polling');
const timer = busy && kernels.rows.find((r) => r.role === 'tuned' && shapeKey(r.shape) === shapeKey(busy.shape));
if (busy && timer) {
  out.push(
    `host polling, tuned ${shapeKey(busy.shape)}: ${fmt(timer.gflops)} GFLOP/s with the host sleeping between polls ` +
      `(timer, the default here), ${fmt(busy.gflops)} with it spinning a core (busy): ${fmt(timer.gflops / busy.gflops)}x`,
  );
}
out.push('');
out.push(
  formatTable(
    ['tuned class', 'dtype', 'config', 'GFLOP/s when tuned', 'source'],
    kernels.tuning.map((t) => [
      t.shapeClass,
      t.dtype,
      t.config,
      fmt(t.gflops),
      t.fromCache ? 'cache' : `tuned: ${t.tried} timed, ${t.elapsedS.toFixed(1)} s`,
    ]),
    ['left', 'left', 'left', 'right', 'left'],
  ),
);
out.push(`autotuning (all classes): ${kernels.tuneS.toFixed(1)} s`);
if (simulate.length > 0) {
  out.push('');
  out.push(
    formatTable(
      ['simulate', 'GPUs', 'mean ms / call', 'p99 ms', 'us / step'],
      simulate.map((s) => [s.name, s.gpus.toLocaleString('en-US'), fmt(s.meanMs), fmt(s.p99Ms), fmt(s.usPerStep)]),
    ),
  );
}
if (plan) out.push('', planBenchTable(plan));
if (planSearch.length > 0) out.push('', planSearchBenchTable(planSearch));
out.push('');
out.push(`report: ${values.out}`);
process.stdout.write(`${out.join('\n')}\n`);
