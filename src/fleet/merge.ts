import { SpecError } from '../errors.js';
import { quantileSorted } from '../stats/quantiles.js';
import { VERSION } from '../version.js';
import {
  FLEET_FILE_VERSION,
  type FleetFile,
  type FleetGeneration,
  type FleetGroup,
  type NodeSummary,
  type SlowRule,
} from './fleet-file.js';
import type { FleetNodeReport } from './node-report.js';
import { DEFAULT_RULE, distribution, slowNodes } from './slow-rule.js';

/** Quantiles of each node's step-time ratios kept per node: its noise's shape in a few numbers. */
export const NOISE_QUANTILES = 8;
/** Quantiles of the pooled fleet jitter written to the fleet file (the simulator's empirical samples). */
export const JITTER_SAMPLES = 2048;

/**
 * The streaming merge: inputs are added one at a time and only their per-node summaries
 * (NodeSummary, ~15 numbers) are kept, so memory grows with the node count, never with the
 * steps or the files' size; `finish` computes every group figure from the summaries. A merged
 * fleet file adds its node summaries, so merges merge again exactly.
 */
export class FleetMerge {
  private readonly nodes: NodeSummary[] = [];
  private readonly fileOf = new Map<string, string>();
  private readonly warnings: string[] = [];
  private workload: { readonly name: string; readonly file: string } | null = null;

  addNode(report: FleetNodeReport, file: string): void {
    this.checkWorkload(report.workload, file);
    if (report.units === null) {
      this.warnings.push(
        `${file}: node ${report.node.name} has no timed units (${report.failure ?? 'incomplete'}); left out`,
      );
      return;
    }
    if (!report.complete)
      this.warnings.push(
        `${file}: node ${report.node.name} is incomplete (${report.failure ?? 'failed'}); its units are used`,
      );
    // A what-if node is merged as measured (the rule must find it unaided), and said so: a
    // fleet file built from one must not pass for a measurement of the fleet as it is.
    if (report.units.workFactor !== undefined)
      this.warnings.push(
        `${file}: node ${report.node.name} ran the --slow ${report.units.workFactor} what-if ` +
          `(${report.units.workFactor}x the work per step); its speed is not the node's own`,
      );
    this.add(summarizeNode(report), file);
  }

  addFleet(fleet: FleetFile, file: string): void {
    this.checkWorkload(fleet.workload, file);
    for (const w of fleet.warnings) this.warnings.push(w);
    for (const n of fleet.nodes) this.add(n, file);
  }

  get size(): number {
    return this.nodes.length;
  }

  finish(rule: SlowRule = DEFAULT_RULE): FleetFile {
    if (this.workload === null || this.nodes.length === 0)
      throw new SpecError(
        'FILES',
        [],
        'has no node with timed units to merge; give node files from `hetbench fleet node`.',
      );
    const versions = new Map<string, number>();
    for (const n of this.nodes) versions.set(n.hetbenchVersion, (versions.get(n.hetbenchVersion) ?? 0) + 1);
    const warnings = [...this.warnings];
    if (versions.size > 1)
      warnings.push(
        `nodes ran different hetbench versions (${[...versions].map(([v, c]) => `${v}: ${c}`).join(', ')}); ` +
          'their speeds compare only if the unit and kernels did not change between them',
      );
    const byKey = new Map<string, NodeSummary[]>();
    for (const n of this.nodes) {
      const key = n.gpu ?? n.adapter;
      const list = byKey.get(key);
      if (list) list.push(n);
      else byKey.set(key, [n]);
    }
    const groups: FleetGroup[] = [];
    const pooled: number[] = [];
    for (const [key, members] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const speed = distribution(members.map((n) => n.unitsPerS));
      // Each node's step times relative to the group's median node: node-to-node x step-to-step.
      const factors: number[] = [];
      for (const n of members) for (const q of n.noise) factors.push((speed.median / n.unitsPerS) * q);
      const meanTimeRatio = factors.reduce((a, b) => a + b, 0) / factors.length;
      for (const f of factors) pooled.push(f / meanTimeRatio);
      groups.push({
        key,
        gpu: members[0]?.gpu ?? null,
        adapters: [...new Set(members.map((n) => n.adapter))].sort(),
        nodes: members.length,
        speed,
        noise: distribution(members.map((n) => n.cv)),
        meanTimeRatio,
        slow: slowNodes(members, speed, rule),
      });
    }
    const generations: FleetGeneration[] = groups
      .filter((g): g is FleetGroup & { gpu: string } => g.gpu !== null)
      .map((g) => {
        const members = byKey.get(g.key) ?? [];
        return {
          gpu: g.gpu,
          nodes: g.nodes,
          healthyGflops: distribution(members.map((n) => n.gflops)).median,
          meanTimeRatio: g.meanTimeRatio,
          slowNodes: g.slow.length,
        };
      });
    if (generations.length === 0)
      warnings.push('no node carries a generation label (fleet node --gpu GEN): the fleet file gives no speed factors');
    return {
      tool: 'hetbench',
      kind: 'fleet',
      schemaVersion: FLEET_FILE_VERSION,
      hetbenchVersion: VERSION,
      workload: this.workload.name,
      rule,
      groups,
      generations,
      jitter: { samples: evenQuantiles(pooled, JITTER_SAMPLES) },
      warnings,
      nodes: this.nodes,
    };
  }

  private add(node: NodeSummary, file: string): void {
    const first = this.fileOf.get(node.name);
    if (first !== undefined)
      throw new SpecError(
        `${file}: $.node.name`,
        node.name,
        `is already in ${first}: each node is measured once per fleet; drop one of the two files (or give distinct --name).`,
      );
    this.fileOf.set(node.name, file);
    this.nodes.push(node);
  }

  private checkWorkload(name: string, file: string): void {
    if (this.workload === null) this.workload = { name, file };
    else if (this.workload.name !== name)
      throw new SpecError(
        `${file}: $.workload`,
        name,
        `differs from ${this.workload.file}'s ${JSON.stringify(this.workload.name)}: speeds compare only on one unit; measure every node with the same --workload.`,
      );
  }
}

/** A node file's summary: its speed, noise and the shape of its step times. */
export function summarizeNode(r: FleetNodeReport): NodeSummary {
  const u = r.units;
  if (u === null) throw new RangeError('summarizeNode needs timed units');
  const steps = Array.from(Float64Array.from(u.stepS).sort());
  const mid = quantileSorted(steps, 0.5);
  const noise = Array.from({ length: NOISE_QUANTILES }, (_, i) =>
    round6(quantileSorted(steps, (i + 0.5) / NOISE_QUANTILES) / mid),
  );
  return {
    name: r.node.name,
    index: r.node.index,
    gpu: r.node.gpu,
    adapter: r.adapter.description || r.adapter.device,
    hetbenchVersion: r.hetbenchVersion,
    complete: r.complete,
    unitsPerS: u.unitsPerS,
    gflops: u.gflops,
    cv: u.cv,
    noise,
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** `count` evenly spaced quantiles ((i + 0.5) / count) of xs, or all of xs sorted when there are fewer. */
export function evenQuantiles(xs: readonly number[], count: number): number[] {
  const s = Array.from(Float64Array.from(xs).sort());
  if (s.length <= count) return s.map(round6);
  return Array.from({ length: count }, (_, i) => round6(quantileSorted(s, (i + 0.5) / count)));
}
