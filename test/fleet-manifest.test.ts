import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { fleetManifestCommand } from '../src/cli/fleet-manifest.js';
import { shellWord } from '../src/fleet/manifest.js';
import { visibleDevices } from '../src/fleet/node-report.js';
import { runCli } from './fixtures/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hetbench-manifest-'));

interface Job {
  apiVersion: string;
  kind: string;
  spec: {
    completionMode: string;
    completions: number;
    parallelism: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        restartPolicy: string;
        topologySpreadConstraints?: {
          maxSkew: number;
          topologyKey: string;
          whenUnsatisfiable: string;
          labelSelector: { matchLabels: Record<string, string> };
        }[];
        affinity?: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              labelSelector: { matchLabels: Record<string, string> };
              topologyKey: string;
            }[];
          };
        };
        containers: {
          image: string;
          command: string[];
          args: string[];
          resources: { limits: Record<string, number> };
          volumeMounts: { name: string; mountPath: string }[];
        }[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
}

async function k8s(args: readonly string[]): Promise<{ claim: Record<string, unknown>; job: Job }> {
  const dir = tmp();
  const r = await runCli(fleetManifestCommand, ['--engine', 'k8s', '--out', dir, ...args]);
  expect(r.code, String(r.error)).toBe(0);
  const docs = parseAllDocuments(readFileSync(join(dir, 'hetbench-fleet.yaml'), 'utf8'));
  for (const d of Array.isArray(docs) ? docs : [docs]) expect(d.errors).toEqual([]);
  const [claim, job] = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS());
  return { claim, job };
}

describe('fleet manifest --engine k8s', () => {
  it('is a PVC and an Indexed Job: N pods on N different nodes, G GPUs each, results per index', async () => {
    const { claim, job } = await k8s(['--nodes', '12', '--gpus-per-node', '8', '--gpu', 'h100-sxm']);
    expect(claim).toMatchObject({ kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteMany'] } });
    expect([job.apiVersion, job.kind]).toEqual(['batch/v1', 'Job']);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 12, parallelism: 12 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const anti = pod.affinity?.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(anti?.topologyKey).toBe('kubernetes.io/hostname');
    // The anti-affinity selects the Job's own pods: no two of them share a node.
    expect(anti?.labelSelector.matchLabels).toEqual(job.spec.template.metadata.labels);
    const c = pod.containers[0];
    expect(c?.resources.limits['nvidia.com/gpu']).toBe(8);
    expect(c?.command).toEqual(['hetbench']);
    expect(c?.args.slice(0, 4)).toEqual(['fleet', 'node', '--out', '/results/node-$(JOB_COMPLETION_INDEX).json']);
    expect(c?.args).toContain('h100-sxm');
    expect(c?.volumeMounts[0]?.mountPath).toBe('/results');
    expect(pod.volumes[0]?.persistentVolumeClaim.claimName).toBe(
      (claim as { metadata: { name: string } }).metadata.name,
    );
  });

  it('--per-gpu: N x G pods of one GPU each, spread over the nodes (no anti-affinity), names unique per index', async () => {
    const { job } = await k8s(['--nodes', '12', '--gpus-per-node', '8', '--per-gpu', '--gpu', 'h100-sxm']);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 96, parallelism: 96 });
    const pod = job.spec.template.spec;
    // Eight pods must share a node: a required anti-affinity would leave 84 of them unschedulable.
    expect(pod.affinity).toBeUndefined();
    expect(pod.topologySpreadConstraints?.[0]).toMatchObject({
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: job.spec.template.metadata.labels },
    });
    const c = pod.containers[0];
    expect(c?.resources.limits['nvidia.com/gpu']).toBe(1);
    const name = c?.args[(c?.args.indexOf('--name') ?? -2) + 1];
    expect(name).toBe('$(NODE_NAME)-$(JOB_COMPLETION_INDEX)');
  });

  it('--per-gpu past the Indexed Job limit is exit 2 naming --nodes and the task count', async () => {
    const r = await runCli(fleetManifestCommand, [
      '--engine',
      'k8s',
      '--out',
      tmp(),
      '--nodes',
      '20000',
      '--gpus-per-node',
      '8',
      '--per-gpu',
    ]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/--nodes.*160,000 tasks/s);
  });

  it('quotes the image: a reference with a port, path, tag and digest round-trips through YAML', async () => {
    const image = `registry.example:5000/team/hetbench:0.1.0@sha256:${'a'.repeat(64)}`;
    const { job } = await k8s(['--nodes', '1', '--image', image]);
    expect(job.spec.template.spec.containers[0]?.image).toBe(image);
  });

  it.each([
    [['--nodes', '0'], /--nodes/],
    [['--nodes', '100001'], /--nodes/],
    [['--nodes', 'two'], /--nodes/],
    [['--nodes', '2', '--image', 'evil"\n  hostPID: true'], /--image/],
    [['--nodes', '2', '--image', 'UPPER/case'], /--image/],
    [['--nodes', '2', '--gpus-per-node', '0'], /--gpus-per-node/],
    [['--nodes', '2', '--pvc', 'Not_A_Name'], /--pvc/],
  ])('%j is exit 2 naming the flag', async (args, flag) => {
    const r = await runCli(fleetManifestCommand, ['--engine', 'k8s', '--out', tmp(), ...args]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(flag);
  });

  it('a missing or unknown --engine is exit 2', async () => {
    for (const args of [
      ['--nodes', '2'],
      ['--engine', 'lsf', '--nodes', '2'],
    ]) {
      const r = await runCli(fleetManifestCommand, ['--out', tmp(), ...args]);
      expect(r.code).toBe(2);
      expect(String(r.error)).toMatch(/--engine/);
    }
  });
});

/** The Slurm script `fleet manifest --engine slurm ARGS` writes, its directives, and whether they precede every command. */
async function slurm(
  args: readonly string[],
): Promise<{ script: string; directives: Record<string, string | boolean>; directivesFirst: boolean }> {
  const dir = tmp();
  const r = await runCli(fleetManifestCommand, ['--engine', 'slurm', '--out', dir, ...args]);
  expect(r.code, String(r.error)).toBe(0);
  const script = readFileSync(join(dir, 'hetbench-fleet.sbatch'), 'utf8');
  const directives = Object.fromEntries(
    [...script.matchAll(/^#SBATCH --([a-z-]+)(?:=(.*))?$/gm)].map((m) => [m[1] as string, m[2] ?? true]),
  );
  // Directives must precede the first command, or sbatch ignores them.
  const lines = script.split('\n');
  const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
  const lastDirective = lines.findLastIndex((l) => l.startsWith('#SBATCH'));
  return { script, directives, directivesFirst: lastDirective < firstCommand };
}

describe('fleet manifest --engine slurm', () => {
  it('is a job array 0..N-1, one exclusive node and G GPUs per task, results per task id', async () => {
    const { script, directives, directivesFirst } = await slurm([
      '--nodes',
      '64',
      '--gpus-per-node',
      '4',
      '--results',
      '/shared/fleet',
    ]);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(directives).toMatchObject({ array: '0-63', nodes: '1', exclusive: true, gres: 'gpu:4' });
    expect(directivesFirst).toBe(true);
    expect(script).toMatch(/fleet node --out "\$RESULTS\/node-\$\{SLURM_ARRAY_TASK_ID\}\.json"/);
    expect(script).toMatch(/mkdir -p \/shared\/fleet\n/);
  });

  it('--per-gpu: an array of N x G tasks of one GPU each, sharing nodes, names unique per task', async () => {
    const { script, directives, directivesFirst } = await slurm(['--nodes', '64', '--gpus-per-node', '4', '--per-gpu']);
    expect(directives).toMatchObject({ array: '0-255', nodes: '1', ntasks: '1', gres: 'gpu:1' });
    expect(directives['exclusive']).toBeUndefined();
    expect(directivesFirst).toBe(true);
    expect(script).toMatch(/--name "\$\{SLURMD_NODENAME:-\$\(hostname\)\}-\$\{SLURM_ARRAY_TASK_ID\}"/);
    expect(script).toMatch(/ConstrainDevices=yes/);
  });

  it('a results folder that is not a plain path is exit 2', async () => {
    const r = await runCli(fleetManifestCommand, [
      '--engine',
      'slurm',
      '--nodes',
      '2',
      '--results',
      'a b;rm',
      '--out',
      tmp(),
    ]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/--results/);
  });

  it('shellWord quotes what the shell would split or expand', () => {
    expect(shellWord('plain-1.0')).toBe('plain-1.0');
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });
});

describe('a node file names the GPU its process saw', () => {
  it("records the engines' visibility variables that are set, and nothing when none is", () => {
    expect(visibleDevices({ NVIDIA_VISIBLE_DEVICES: 'GPU-1f2e', SLURM_STEP_GPUS: '3', PATH: '/bin' })).toEqual({
      NVIDIA_VISIBLE_DEVICES: 'GPU-1f2e',
      SLURM_STEP_GPUS: '3',
    });
    expect(visibleDevices({ CUDA_VISIBLE_DEVICES: '' })).toBeUndefined();
    expect(visibleDevices({})).toBeUndefined();
    expect(visibleDevices({ CUDA_VISIBLE_DEVICES: 'x'.repeat(5000) })?.['CUDA_VISIBLE_DEVICES']).toHaveLength(1024);
  });
});
