import { UsageError } from '../errors.js';

/**
 * The engine-side files of a fleet measurement (docs/fleet.md): a Kubernetes Indexed Job and
 * a Slurm job array, each running `hetbench fleet node` once per node with the engine's index
 * in the result file's name. Text is generated here (no YAML library in the product): every
 * user-given string is validated first and then quoted (JSON strings are YAML double-quoted
 * scalars; shell words are single-quoted), so an image name cannot break the document.
 */
export type Engine = 'k8s' | 'slurm';
export const ENGINES: readonly Engine[] = ['k8s', 'slurm'];

export interface ManifestOptions {
  readonly nodes: number;
  readonly image: string;
  readonly gpusPerNode: number;
  /** Generation label passed to every node (`fleet node --gpu`), or null. */
  readonly gpu: string | null;
  /** Arguments appended to `fleet node` (e.g. --duration), already validated words. */
  readonly nodeArgs: readonly string[];
  /** Kubernetes: the shared PersistentVolumeClaim's name. Slurm: the shared results folder. */
  readonly results: string;
  /**
   * One task per GPU instead of per node (`--per-gpu`): nodes x gpusPerNode tasks, each holding
   * one GPU, so every GPU of a node is measured on its own (a fail-slow GPU is one GPU, and
   * `fleet node` measures the one adapter its process sees). The engine isolates the GPU: the
   * Kubernetes device plugin exposes only the allocated GPU to the container; Slurm only with
   * device constraint (cgroup.conf ConstrainDevices=yes), docs/fleet.md.
   */
  readonly perGpu?: boolean;
}

/** The tasks a manifest runs: one per node, or one per GPU under --per-gpu. */
export function taskCount(o: Pick<ManifestOptions, 'nodes' | 'gpusPerNode' | 'perGpu'>): number {
  return o.perGpu === true ? o.nodes * o.gpusPerNode : o.nodes;
}

/** An Indexed Job allows at most 100,000 completions (Kubernetes API: batch/v1 JobSpec). */
export const MAX_NODES = 100_000;
export const JOB_NAME = 'hetbench-fleet';
export const K8S_RESULTS_MOUNT = '/results';

/**
 * An OCI image reference: [registry[:port]/]path[:tag][@digest], lower-case path components
 * (the distribution spec's grammar, simplified to what a user types). As in Docker, a first
 * component is a registry only with a dot, a port or as localhost.
 */
const IMAGE =
  /^(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::\d{1,5})?\/|[A-Za-z0-9-]+:\d{1,5}\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function checkImage(image: string): string {
  if (image.length > 512 || !IMAGE.test(image))
    throw new UsageError(
      '--image',
      image,
      'must be an image reference like registry.example/team/hetbench:0.1.0 (lower-case path, optional :tag and @sha256:digest).',
    );
  return image;
}

/** A Kubernetes object name (RFC 1123 label): the claim's name. */
export function checkClaimName(name: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(name))
    throw new UsageError('--pvc', name, 'must be a Kubernetes name: lower-case letters, digits and -, at most 63.');
  return name;
}

const q = (s: string): string => JSON.stringify(s);

/** The PersistentVolumeClaim (ReadWriteMany: every pod writes its file) and the Indexed Job, as two YAML documents. */
export function kubernetesManifest(o: ManifestOptions): string {
  const perGpu = o.perGpu === true;
  const tasks = taskCount(o);
  const out = `${K8S_RESULTS_MOUNT}/node-$(JOB_COMPLETION_INDEX).json`;
  const args = [
    'fleet',
    'node',
    '--out',
    out,
    '--index',
    '$(JOB_COMPLETION_INDEX)',
    '--name',
    // Per GPU, a node holds several tasks: the index keeps the names unique (the file records
    // which GPU the container saw: host.visibleDevices).
    perGpu ? '$(NODE_NAME)-$(JOB_COMPLETION_INDEX)' : '$(NODE_NAME)',
    ...(o.gpu === null ? [] : ['--gpu', o.gpu]),
    ...o.nodeArgs,
  ];
  const selector = `app.kubernetes.io/name: ${JOB_NAME}`;
  // Per node: no two pods on one node (required). Per GPU: a node holds as many pods as GPUs
  // (the GPU limit bounds it), spread as evenly as the scheduler can.
  const placement = perGpu
    ? `      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              ${selector}`
    : `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector:
                matchLabels:
                  ${selector}
              topologyKey: kubernetes.io/hostname`;
  return `# hetbench fleet measurement: one pod per ${perGpu ? 'GPU' : 'node'} (docs/fleet.md).
# kubectl apply -f this file; kubectl wait --for=condition=complete job/${JOB_NAME}; then copy
# ${K8S_RESULTS_MOUNT}/node-*.json off the claim and run: hetbench fleet merge node-*.json
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${q(o.results)}
spec:
  accessModes: ["ReadWriteMany"]
  resources:
    requests:
      storage: "1Gi"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: ${JOB_NAME}
  labels:
    ${selector}
spec:
  completionMode: Indexed
  completions: ${tasks}
  parallelism: ${tasks}
  backoffLimit: ${Math.max(1, tasks)}
  template:
    metadata:
      labels:
        ${selector}
    spec:
      restartPolicy: Never
${placement}
      containers:
        - name: hetbench
          image: ${q(o.image)}
          command: ["hetbench"]
          args: [${args.map(q).join(', ')}]
          env:
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
          resources:
            limits:
              nvidia.com/gpu: ${perGpu ? 1 : o.gpusPerNode}
          volumeMounts:
            - name: results
              mountPath: ${q(K8S_RESULTS_MOUNT)}
      volumes:
        - name: results
          persistentVolumeClaim:
            claimName: ${q(o.results)}
`;
}

/** Slurm's results folder: a plain path (it appears in the script and in merge's command line). */
export function checkResultsDir(dir: string): string {
  if (!/^[A-Za-z0-9_./-]{1,1024}$/.test(dir) || dir.split('/').includes('..'))
    throw new UsageError(
      '--results',
      dir,
      'must be a plain folder path (letters, digits, _ . / -, no ..) on a filesystem every node shares.',
    );
  return dir;
}

/** A shell word, single-quoted unless it is plainly safe. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Slurm batch script: a job array, one exclusive node per task, results in a shared folder. */
export function slurmScript(o: ManifestOptions): string {
  const results = shellWord(o.results);
  const run =
    o.image === ''
      ? `"\${HETBENCH:-hetbench}"`
      : `srun --container-image=${shellWord(o.image)} --container-mounts="$RESULTS:$RESULTS" hetbench`;
  const extra = [...(o.gpu === null ? [] : ['--gpu', o.gpu]), ...o.nodeArgs].map(shellWord).join(' ');
  const perGpu = o.perGpu === true;
  // Per GPU, tasks share nodes (no --exclusive), one GPU each, and the name carries the task id.
  const name = perGpu
    ? `"\${SLURMD_NODENAME:-$(hostname)}-\${SLURM_ARRAY_TASK_ID}"`
    : `"\${SLURMD_NODENAME:-$(hostname)}"`;
  return `#!/bin/bash
# hetbench fleet measurement: one array task per ${perGpu ? 'GPU' : 'node'} (docs/fleet.md).
# sbatch this file; when the array is done: hetbench fleet merge ${results}/node-*.json
#SBATCH --job-name=${JOB_NAME}
#SBATCH --array=0-${taskCount(o) - 1}
#SBATCH --nodes=1
#SBATCH --ntasks=1
${perGpu ? '' : '#SBATCH --exclusive\n'}#SBATCH --gres=gpu:${perGpu ? 1 : o.gpusPerNode}
#SBATCH --time=00:10:00
#SBATCH --output=hetbench-fleet-%A_%a.log
set -euo pipefail
mkdir -p ${results}
RESULTS="$(cd ${results} && pwd)"
# ${perGpu ? 'Each task is one GPU (--gres=gpu:1; isolated only with ConstrainDevices=yes)' : 'Each task is one node (--nodes=1 --exclusive)'}; its log lands in the submit folder.
${run} fleet node --out "$RESULTS/node-\${SLURM_ARRAY_TASK_ID}.json" \\
  --index "\${SLURM_ARRAY_TASK_ID}" --name ${name}${extra === '' ? '' : ` ${extra}`}
`;
}
