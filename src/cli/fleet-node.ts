import { kernelChooser } from '../bench/kernel-choice.js';
import { EXIT_CODES, UsageError } from '../errors.js';
import { measureNode, type NodeMeasurement } from '../fleet/measure-node.js';
import { buildNodeReport } from '../fleet/node-build.js';
import { checkGpuLabel, type FleetNodeReport } from '../fleet/node-report.js';
import { closeGpu, openGpu } from '../gpu/open.js';
import { OutputPlan } from '../io/output-path.js';
import { fileWrite, writeOutput } from '../io/write-outputs.js';
import { fmt, pct } from '../report/format.js';
import { loadWorkload } from '../workload/load.js';
import { workloadPresetNames } from '../workload/presets.js';
import { boolFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';
import { gpuFlagHelp, gpuFlagOptions, gpuOptionsFrom, gpuParameterFlags } from './gpu-flags.js';
import { paint, printJson } from './output.js';
import { SLOW_FACTOR } from './slow-flag.js';

const DEFAULTS = { workload: '70b', durationS: 10, stepS: 0.1, reps: 3 } as const;

const help = `
Usage: hetbench fleet node --out FILE [options]

Measures this node for a fleet report (docs/fleet.md) and writes one JSON file
(schemas/fleet-node.schema.json): the adapter and host; a timed series of units, the measured
run's unit of work (one scaled transformer layer's GEMMs, tuned kernels), giving the node's
speed (median units/s with a 95% interval) and its step-to-step noise (CV); the roofline
probe; the tuned matmul at each training shape of the unit. Under a minute on a software
adapter with the defaults. Run it on every node (fleet manifest), then fleet merge the files.

Options:
  --out FILE             the node file to write (required)
  --json                 also print the node file's JSON to stdout
  --name NAME            the node's name in the fleet (default: the host name); unique per fleet
  --index I              the engine's index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID)
  --gpu GEN              the cluster GPU generation this node is (a catalog or cluster-spec id,
                         e.g. h100-sxm): merge fits each generation's speed factor from its nodes
  --workload NAME|FILE   whose local unit to run: a preset (${workloadPresetNames.join(', ')}) or a JSON
                         spec (default ${DEFAULTS.workload}); every node of a fleet must use the same
  --duration S           seconds of timed units (default ${DEFAULTS.durationS}; at least 5 steps)
  --step-time S          target seconds per timed step (default ${DEFAULTS.stepS})
  --reps R               repetitions per probe kernel and matmul shape (default ${DEFAULTS.reps})
  --slow FACTOR          fail-slow what-if, 1 to 10: each timed step really runs FACTOR times its
                         units and the speed counts its units, so this node measures FACTOR
                         times slower (merge is not told; the node file records it). For testing
                         the slow-node rule and for what-ifs, never on a node you mean to measure
  --hidden H             the unit's scaled hidden width, 16 to 65,536 (default: the measured run's,
                         64 on a software adapter, 1024 on a GPU); every node of a fleet must use the same
${gpuFlagHelp}
  -h, --help

Exit codes: 0 ok, 2 bad input, 3 no adapter or a GPU failure (a failure mid-measurement still
writes --out, marked complete: false, with the sections that finished), 70 internal error.
`;

export const fleetNodeCommand: Command = defineCommand({
  name: 'fleet node',
  summary: 'measure this node for a fleet report',
  help,
  flags: gpuParameterFlags,
  async run(argv) {
    const started = performance.now();
    const { values } = parseCommandArgs('fleet node', argv, {
      out: { type: 'string' },
      json: { type: 'boolean' },
      name: { type: 'string' },
      index: { type: 'string' },
      gpu: { type: 'string' },
      workload: { type: 'string' },
      duration: { type: 'string' },
      'step-time': { type: 'string' },
      reps: { type: 'string' },
      hidden: { type: 'string' },
      slow: { type: 'string' },
      ...gpuFlagOptions,
    });
    const plan = new OutputPlan();
    const out = plan.add('--out', stringFlag(values, 'out'));
    if (out === null) throw usage('--out', undefined, 'is required: the node file to write.');
    const name = stringFlag(values, 'name');
    if (name !== undefined && (name.trim() === '' || name.length > 256))
      throw usage('--name', name, 'must be a non-empty name of at most 256 characters.');
    const gpuRaw = stringFlag(values, 'gpu');
    const gpuLabel = gpuRaw === undefined ? undefined : checkGpuLabel(gpuRaw);
    const index = stringFlag(values, 'index');
    const identity = {
      ...(name === undefined ? {} : { name }),
      index: index === undefined ? null : intFlag('--index', index, 0, 0, Number.MAX_SAFE_INTEGER),
      gpu: gpuLabel ?? null,
    };
    const workloadArg = stringFlag(values, 'workload') ?? DEFAULTS.workload;
    const workload = loadWorkload(workloadArg);
    const durationS = numberFlag('--duration', stringFlag(values, 'duration'), DEFAULTS.durationS, 0, 3600);
    const stepS = numberFlag('--step-time', stringFlag(values, 'step-time'), DEFAULTS.stepS, 0.001, 10);
    const reps = intFlag('--reps', stringFlag(values, 'reps'), DEFAULTS.reps, 1, 100);
    const hidden = stringFlag(values, 'hidden');
    const workFactor = numberFlag('--slow', stringFlag(values, 'slow'), 1, SLOW_FACTOR.min, SLOW_FACTOR.max);

    const gpu = await openGpu(gpuOptionsFrom(values));
    let report: FleetNodeReport;
    try {
      const measured: NodeMeasurement = await measureNode(gpu, {
        workload,
        chooseKernel: kernelChooser(),
        durationS,
        stepS,
        reps,
        workFactor,
        ...(hidden === undefined ? {} : { hiddenTarget: intFlag('--hidden', hidden, 64, 16, 65_536) }),
        onSection: (s) => process.stderr.write(`hetbench: fleet node: ${s}...\n`),
      });
      report = buildNodeReport(gpu, identity, workload.name, measured, (performance.now() - started) / 1000);
    } finally {
      closeGpu(gpu);
    }
    const text = `${JSON.stringify(report, null, 2)}\n`;
    writeOutput(fileWrite(out, text));
    if (boolFlag(values, 'json')) printJson(report);
    else process.stdout.write(`${renderNode(report)}\n`);
    if (report.failure !== null) {
      process.stderr.write(
        `${paint('red', 'hetbench: error:', process.stderr)} GPU failure during the node measurement: ${report.failure}; ` +
          `wrote what finished to ${out.path} (complete: false)\n`,
      );
      return EXIT_CODES.device;
    }
    return EXIT_CODES.ok;
  },
});

function usage(flag: string, value: unknown, fix: string): UsageError {
  return new UsageError(flag, value, fix);
}

function renderNode(r: FleetNodeReport): string {
  const u = r.units;
  const lines = [
    `fleet node ${r.node.name}${r.node.gpu === null ? '' : ` (${r.node.gpu})`}: ` +
      `${r.adapter.description || r.adapter.device} (${r.adapter.backend}${r.adapter.isFallbackAdapter ? ', software' : ''}) ` +
      `on ${r.host.cpu}, ${r.host.cores} cores`,
  ];
  if (u)
    lines.push(
      `  speed      ${fmt(u.unitsPerS)} units/s (95% ${fmt(u.interval.lower)} to ${fmt(u.interval.upper)}), ` +
        `${fmt(u.gflops)} GFLOP/s, ${u.stepS.length} steps of ${u.unitsPerStep} units, noise CV ${pct(u.cv)}` +
        `${u.hostCpuCores === undefined ? '' : `, host CPU ${fmt(u.hostCpuCores)} cores`}` +
        `${u.workFactor === undefined ? '' : `, what-if --slow ${fmt(u.workFactor)} (each step ran ${fmt(u.workFactor)}x its units)`}`,
    );
  if (r.roofline)
    lines.push(
      `  roofline   FMA f32 ${fmt(r.roofline.fmaF32Gflops)} GFLOP/s, bandwidth ${fmt(r.roofline.bandwidthGBs)} GB/s`,
    );
  for (const m of r.matmul ?? [])
    lines.push(
      `  matmul     ${m.shape.m}x${m.shape.n}x${m.shape.k} ${fmt(m.gflops)} GFLOP/s` +
        `${m.fractionOfPeak === null ? '' : ` (${pct(m.fractionOfPeak)} of peak)`} ${m.kernel}`,
    );
  return lines.join('\n');
}
