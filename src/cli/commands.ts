import type { Command } from './command.js';

/**
 * Every CLI command, loaded lazily so that `hetbench gpus` never pays for opening a GPU.
 * Keep in the order `hetbench --help` should list them.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'the default job that `npm start` runs: doctor, a verified matmul, then run',
    load: async () => (await import('./start.js')).startCommand,
  },
  {
    name: 'run',
    summary: 'the straggler benchmark: every policy measured on the local GPU beside the model',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'doctor',
    summary: 'show the WebGPU adapter, backend, features and limits',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'matmul',
    summary: 'run one verified matmul on the GPU and time it',
    load: async () => (await import('./matmul.js')).matmulCommand,
  },
  {
    name: 'probe',
    summary: "measure the device's roofline: FMA peak (f32, f16) and memory bandwidth",
    load: async () => (await import('./probe.js')).probeCommand,
  },
  {
    name: 'compare',
    summary: 'compare reports: regression verdicts, or a hardware table across adapters',
    load: async () => (await import('./compare.js')).compareCommand,
  },
  {
    name: 'export',
    summary: 'export a report for github-action-benchmark (gab) or Bencher (bmf)',
    load: async () => (await import('./export.js')).exportCommand,
  },
  {
    name: 'report',
    summary: 'render a saved report as HTML (SVG charts) or Markdown',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'serve',
    summary: 'serve the browser page: the benchmark on any WebGPU browser (npm run build first)',
    load: async () => (await import('./serve.js')).serveCommand,
  },
  {
    name: 'gpus',
    summary: 'list the GPU catalog with sourced numbers',
    load: async () => (await import('./gpus.js')).gpusCommand,
  },
  {
    name: 'plan',
    summary: 'model a workload on a mixed cluster: step time per generation, memory caps, all-reduce',
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    name: 'simulate',
    summary: 'simulate training steps under each partitioning policy (model, no GPU)',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
];
