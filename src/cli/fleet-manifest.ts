import { join } from 'node:path';
import { EXIT_CODES, UsageError } from '../errors.js';
import {
  checkClaimName,
  checkImage,
  checkResultsDir,
  ENGINES,
  type Engine,
  kubernetesManifest,
  MAX_NODES,
  type ManifestOptions,
  slurmScript,
  taskCount,
} from '../fleet/manifest.js';
import { checkGpuLabel } from '../fleet/node-report.js';
import { OutputPlan } from '../io/output-path.js';
import { fileWrite, writeOutput } from '../io/write-outputs.js';
import { VERSION } from '../version.js';
import { boolFlag, choiceFlag, intFlag, numberFlag, parseCommandArgs, stringFlag } from './args.js';
import { type Command, defineCommand } from './command.js';

const DEFAULTS = { gpusPerNode: 1, pvc: 'hetbench-fleet-results', results: 'fleet-results' } as const;
const FILE_OF: Readonly<Record<Engine, string>> = { k8s: 'hetbench-fleet.yaml', slurm: 'hetbench-fleet.sbatch' };

const help = `
Usage: hetbench fleet manifest --engine k8s|slurm --nodes N --out DIR [options]

Writes the engine's file that runs 'hetbench fleet node' once on each of N nodes
(docs/fleet.md), each writing node-INDEX.json to shared storage:
  k8s    DIR/${FILE_OF.k8s}: a PersistentVolumeClaim (ReadWriteMany) and a batch/v1 Indexed
         Job (completions = parallelism = N, pod anti-affinity on kubernetes.io/hostname so
         pods land on different nodes, nvidia.com/gpu limit G), results on the claim as
         /results/node-$(JOB_COMPLETION_INDEX).json
  slurm  DIR/${FILE_OF.slurm}: a batch script with a job array (#SBATCH --array=0-N-1), one
         exclusive node per task (--nodes=1 --exclusive --gres=gpu:G), results in a shared
         folder as node-\${SLURM_ARRAY_TASK_ID}.json

Options:
  --engine k8s|slurm     the engine (required)
  --nodes N              nodes to measure, 1 to ${MAX_NODES.toLocaleString('en-US')} (required; Slurm's MaxArraySize, 1001 by
                         default, may need raising above 1,000)
  --image IMAGE          container image with hetbench (k8s default hetbench:${VERSION}; slurm: run through
                         srun --container-image, default none: hetbench from PATH or $HETBENCH)
  --gpus-per-node G      GPUs each node's task requests, 1 to 64 (default ${DEFAULTS.gpusPerNode})
  --per-gpu              one task per GPU instead of per node: N x G tasks of one GPU each, so every
                         GPU is measured on its own (a fail-slow GPU is one GPU); k8s spreads the
                         pods over the nodes, Slurm tasks share nodes (GPU isolation needs
                         ConstrainDevices=yes in cgroup.conf); names NODE-INDEX
  --gpu GEN              the GPU generation of these nodes (passed to fleet node --gpu; one manifest per
                         generation, each with its node selector or partition)
  --duration S           seconds of timed units on each node (passed to fleet node)
  --pvc NAME             k8s: the claim's name (default ${DEFAULTS.pvc})
  --results DIR          slurm: the shared results folder (default ${DEFAULTS.results}, in the submit folder)
  --out DIR              the folder to write into (created if missing)
  -h, --help

Exit codes: 0 ok, 2 bad input (--engine, --nodes, --image, ... named), 70 internal error.
`;

export const fleetManifestCommand: Command = defineCommand({
  name: 'fleet manifest',
  summary: 'write the Kubernetes Indexed Job or the Slurm job array for a fleet measurement',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('fleet manifest', argv, {
      engine: { type: 'string' },
      nodes: { type: 'string' },
      image: { type: 'string' },
      'gpus-per-node': { type: 'string' },
      'per-gpu': { type: 'boolean' },
      gpu: { type: 'string' },
      duration: { type: 'string' },
      pvc: { type: 'string' },
      results: { type: 'string' },
      out: { type: 'string' },
    });
    const engineRaw = stringFlag(values, 'engine');
    if (engineRaw === undefined) throw new UsageError('--engine', undefined, `is required: ${ENGINES.join(' or ')}.`);
    const engine = choiceFlag<Engine>('--engine', engineRaw, 'k8s', ENGINES);
    const nodesRaw = stringFlag(values, 'nodes');
    if (nodesRaw === undefined) throw new UsageError('--nodes', undefined, 'is required: how many nodes to measure.');
    const nodes = intFlag('--nodes', nodesRaw, 1, 1, MAX_NODES);
    const imageRaw = stringFlag(values, 'image');
    const image = imageRaw === undefined ? (engine === 'k8s' ? `hetbench:${VERSION}` : '') : checkImage(imageRaw);
    const gpusPerNode = intFlag('--gpus-per-node', stringFlag(values, 'gpus-per-node'), DEFAULTS.gpusPerNode, 1, 64);
    const perGpu = boolFlag(values, 'per-gpu');
    if (perGpu && nodes * gpusPerNode > MAX_NODES)
      throw new UsageError(
        '--nodes',
        nodesRaw,
        `with --per-gpu and --gpus-per-node ${gpusPerNode} is ${(nodes * gpusPerNode).toLocaleString('en-US')} tasks; ` +
          `an Indexed Job or array holds at most ${MAX_NODES.toLocaleString('en-US')}: split the fleet over several manifests.`,
      );
    const gpuRaw = stringFlag(values, 'gpu');
    const gpu = gpuRaw === undefined ? undefined : checkGpuLabel(gpuRaw);
    const duration = stringFlag(values, 'duration');
    if (duration !== undefined) numberFlag('--duration', duration, 0, 0, 3600);
    const pvc = stringFlag(values, 'pvc');
    const results = stringFlag(values, 'results');
    if (engine === 'k8s' && results !== undefined)
      throw new UsageError('--results', results, 'is for --engine slurm; Kubernetes results go to the claim (--pvc).');
    if (engine === 'slurm' && pvc !== undefined)
      throw new UsageError('--pvc', pvc, 'is for --engine k8s; Slurm results go to a shared folder (--results).');
    const outRaw = stringFlag(values, 'out');
    if (outRaw === undefined) throw new UsageError('--out', undefined, 'is required: the folder to write into.');
    const dir = new OutputPlan().addDirectory('--out', outRaw);
    const options: ManifestOptions = {
      nodes,
      image,
      gpusPerNode,
      gpu: gpu ?? null,
      nodeArgs: duration === undefined ? [] : ['--duration', duration],
      perGpu,
      results: engine === 'k8s' ? checkClaimName(pvc ?? DEFAULTS.pvc) : checkResultsDir(results ?? DEFAULTS.results),
    };
    const file = join(dir, FILE_OF[engine]);
    const target = new OutputPlan().add('--out', file);
    if (target !== null)
      writeOutput(fileWrite(target, engine === 'k8s' ? kubernetesManifest(options) : slurmScript(options)));
    const tasks = taskCount(options);
    process.stdout.write(
      `wrote ${file} (${engine}, ${nodes} node${nodes === 1 ? '' : 's'}` +
        `${perGpu ? `, ${tasks} task${tasks === 1 ? '' : 's'} of one GPU` : ''})\n`,
    );
    return EXIT_CODES.ok;
  },
});
