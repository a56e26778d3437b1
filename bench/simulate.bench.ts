import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { loadCluster } from '../src/cluster/load.js';
import type { ClusterSpec } from '../src/cluster/types.js';
import { buildClusterModel } from '../src/model/cluster-model.js';
import type { ClusterModel } from '../src/model/types.js';
import { policyNames } from '../src/policy/index.js';
import { formatTable } from '../src/report/table.js';
import { simulate } from '../src/sim/simulate.js';
import { loadWorkload } from '../src/workload/load.js';

/**
 * The simulator's speed: colossus-1 / 70b, every policy, 1,000 steps (the target is under 1 s on
 * a 2-core machine), and the same run on the colossus mix (150 : 50 : 20) scaled from 1,000 to
 * 1,000,000 GPUs, to show that time per step does not grow with the number of GPUs (each
 * class's tail is one order-statistic draw, whatever its size).
 */
export interface SimulateBenchResult {
  readonly name: string;
  readonly gpus: number;
  readonly steps: number;
  readonly policies: number;
  /** Mean wall time of one whole simulate() call, ms. */
  readonly meanMs: number;
  readonly p99Ms: number;
  /** meanMs / steps: the cost of one simulated step of every policy, microseconds. */
  readonly usPerStep: number;
  readonly samples: number;
}

const STEPS = 1000;

function scaledColossus(gpus: number): ClusterSpec {
  const { cluster } = loadCluster('colossus-1');
  const total = cluster.groups.reduce((a, g) => a + g.count, 0);
  let left = gpus;
  const groups = cluster.groups.map((g, i) => {
    const count = i === cluster.groups.length - 1 ? left : Math.max(1, Math.round((g.count * gpus) / total));
    left -= count;
    return { ...g, count };
  });
  return { name: `colossus-mix-${gpus}`, groups };
}

function modelFor(cluster: ClusterSpec, gpus: ReturnType<typeof loadCluster>['gpus']): ClusterModel {
  return buildClusterModel(cluster, loadWorkload('70b'), { gpus });
}

export async function runSimulateBench(options: { readonly timeMs?: number } = {}): Promise<SimulateBenchResult[]> {
  const bench = new Bench({ name: 'simulate', time: options.timeMs ?? 2000, warmupTime: 200 });
  const { cluster, gpus: catalog } = loadCluster('colossus-1');
  const cases: { name: string; model: ClusterModel }[] = [
    { name: 'colossus-1/70b all policies', model: modelFor(cluster, catalog) },
    ...[1e3, 1e4, 1e5, 1e6].map((n) => ({
      name: `colossus mix ${n.toLocaleString('en-US')} GPUs`,
      model: modelFor(scaledColossus(n), catalog),
    })),
  ];
  let seed = 1;
  for (const c of cases) {
    // A new seed per call, so no call is served from a cache of the previous one's draws.
    bench.add(c.name, () => {
      simulate(c.model, { policies: policyNames, steps: STEPS, seed: seed++, jitterCv: 0.02 });
    });
  }
  await bench.run();
  return bench.tasks.map((task, i) => {
    const r = task.result;
    const c = cases[i];
    if (!c || (r.state !== 'completed' && r.state !== 'aborted-with-statistics'))
      throw new Error(`bench task ${task.name} did not complete (${r.state})`);
    return {
      name: task.name,
      gpus: c.model.gpus,
      steps: STEPS,
      policies: policyNames.length,
      meanMs: r.latency.mean,
      p99Ms: r.latency.p99,
      usPerStep: (r.latency.mean * 1000) / STEPS,
      samples: r.latency.samples?.length ?? 0,
    };
  });
}

function table(rows: readonly SimulateBenchResult[]): string {
  const head = ['case', 'GPUs', 'steps x policies', 'mean ms / call', 'p99 ms', 'us / step (all policies)'];
  const body = rows.map((r) => [
    r.name,
    r.gpus.toLocaleString('en-US'),
    `${r.steps} x ${r.policies}`,
    r.meanMs.toFixed(1),
    r.p99Ms.toFixed(1),
    r.usPerStep.toFixed(1),
  ]);
  return formatTable(head, body);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runSimulateBench();
  process.stdout.write(`${table(rows)}\n`);
}
