import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetMergeCommand } from '../src/cli/fleet-merge.js';
import { applyFleet } from '../src/fleet/apply.js';
import type { FleetFile } from '../src/fleet/fleet-file.js';
import { summarizeUnits } from '../src/fleet/measure-node.js';
import { FleetMerge } from '../src/fleet/merge.js';
import { readFleetInput } from '../src/fleet/node-file.js';
import { DEFAULT_RULE, distribution, slowNodes } from '../src/fleet/slow-rule.js';
import { catalog } from '../src/hardware/catalog.js';
import { CSP } from '../src/report/html.js';
import { findViolation } from '../src/spec/validate.js';
import { runCli } from './fixtures/cli.js';
import { syntheticNode, writeNodes } from './helpers/fleet-nodes.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hetbench-fleet-'));

function mergeOf(nodes: ReturnType<typeof syntheticNode>[]): FleetFile {
  const m = new FleetMerge();
  for (const [i, n] of nodes.entries()) m.addNode(n, `node-${i}.json`);
  return m.finish();
}

describe('slow-node rule (robust z via MAD, plus a minimum slowdown)', () => {
  it('flags the one node 40% slower and no other, with how much slower', () => {
    const speeds = [100, 101, 99, 100.5, 99.5, 60];
    const nodes = speeds.map((s, i) => ({ name: `n${i}`, unitsPerS: s }));
    const slow = slowNodes(nodes, distribution(speeds), DEFAULT_RULE);
    expect(slow.map((s) => s.name)).toEqual(['n5']);
    expect(slow[0]?.slowdown).toBeCloseTo(99.75 / 60 - 1, 6); // the median of the six is 99.75
    expect(slow[0]?.z).toBeGreaterThan(DEFAULT_RULE.z);
  });

  it('does not flag a 2% difference in a tight group (the minimum slowdown), nor faster nodes', () => {
    const speeds = [100, 100, 100, 100, 98, 130];
    const nodes = speeds.map((s, i) => ({ name: `n${i}`, unitsPerS: s }));
    expect(slowNodes(nodes, distribution(speeds), DEFAULT_RULE)).toEqual([]);
    // The same 2% with the minimum off: the MAD floor (a 1% spread) still scores it at z = 2 < 3.5.
    expect(slowNodes(nodes, distribution(speeds), { ...DEFAULT_RULE, minSlowdown: 0 })).toEqual([]);
  });

  it('does not flag a 15% slower node in a noisy group (its z stays under 3.5)', () => {
    const speeds = [100, 80, 120, 90, 110, 85];
    const nodes = speeds.map((s, i) => ({ name: `n${i}`, unitsPerS: s }));
    expect(slowNodes(nodes, distribution(speeds), DEFAULT_RULE)).toEqual([]);
  });

  it('flags a node 5x slower in a noisy group (z of log speed: on the speed scale it would stay under 3.5)', () => {
    const speeds = [12, 15, 18, 3];
    const nodes = speeds.map((s, i) => ({ name: `n${i}`, unitsPerS: s }));
    const slow = slowNodes(nodes, distribution(speeds), DEFAULT_RULE);
    expect(slow.map((s) => s.name)).toEqual(['n3']);
    const d = distribution(speeds);
    expect((d.median - 3) / d.mad).toBeLessThan(DEFAULT_RULE.z);
  });

  it('flags nothing in a group under minGroup nodes', () => {
    const speeds = [100, 50];
    const nodes = speeds.map((s, i) => ({ name: `n${i}`, unitsPerS: s }));
    expect(slowNodes(nodes, distribution(speeds), DEFAULT_RULE)).toEqual([]);
  });

  it('distribution gives the median, IQR, scaled MAD and tails', () => {
    const d = distribution([1, 2, 3, 4, 100]);
    expect([d.median, d.q1, d.q3, d.iqr, d.min, d.max]).toEqual([3, 2, 4, 2, 1, 100]);
    expect(d.mad).toBeCloseTo(1.4826, 4);
  });
});

describe('fleet merge', () => {
  it('groups by generation label, else adapter; the fleet file validates against its schema', () => {
    const fleet = mergeOf([
      syntheticNode('a', 100),
      syntheticNode('b', 102),
      syntheticNode('c', 98),
      syntheticNode('d', 100, { gpu: null }),
    ]);
    expect(fleet.groups.map((g) => [g.key, g.nodes])).toEqual([
      ['NVIDIA H100', 1],
      ['h100-sxm', 3],
    ]);
    expect(fleet.generations.map((g) => g.gpu)).toEqual(['h100-sxm']);
    expect(findViolation('fleet', fleet)).toBeNull();
    expect(fleet.jitter.samples.length).toBe(32);
    const mean = fleet.jitter.samples.reduce((a, b) => a + b, 0) / fleet.jitter.samples.length;
    expect(mean).toBeCloseTo(1, 1);
  });

  it("a slow node raises its generation's mean time ratio and the jitter's upper tail", () => {
    const healthy = mergeOf(['a', 'b', 'c', 'd'].map((n) => syntheticNode(n, 100)));
    const withSlow = mergeOf([...['a', 'b', 'c'].map((n) => syntheticNode(n, 100)), syntheticNode('d', 50)]);
    expect(withSlow.groups[0]?.slow.map((s) => s.name)).toEqual(['d']);
    expect(withSlow.generations[0]?.meanTimeRatio).toBeGreaterThan(1.2);
    expect(healthy.generations[0]?.meanTimeRatio).toBeLessThan(1.02);
    expect(Math.max(...withSlow.jitter.samples)).toBeGreaterThan(Math.max(...healthy.jitter.samples) + 0.3);
  });

  it('merging merges gives the same groups as merging the nodes at once', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => syntheticNode(`n${i}`, i === 7 ? 55 : 100 + (i % 3)));
    const whole = mergeOf(nodes);
    const rack = (part: typeof nodes, file: string) => {
      const m = new FleetMerge();
      for (const [i, n] of part.entries()) m.addNode(n, `${file}-${i}`);
      return m.finish();
    };
    const m = new FleetMerge();
    m.addFleet(rack(nodes.slice(0, 5), 'r1'), 'rack-1.json');
    m.addFleet(rack(nodes.slice(5), 'r2'), 'rack-2.json');
    const merged = m.finish();
    expect(merged.groups).toEqual(whole.groups);
    expect(merged.jitter).toEqual(whole.jitter);
  });

  it('a node given twice is bad input naming both files', () => {
    const m = new FleetMerge();
    m.addNode(syntheticNode('a', 100), 'first.json');
    expect(() => m.addNode(syntheticNode('a', 100), 'second.json')).toThrow(/second\.json.*already in first\.json/);
  });

  it('nodes of different workloads are bad input; different versions merge with a warning', () => {
    const m = new FleetMerge();
    m.addNode(syntheticNode('a', 100), 'a.json');
    expect(() => m.addNode(syntheticNode('b', 100, { workload: '8b' }), 'b.json')).toThrow(/b\.json: \$\.workload/);
    m.addNode(syntheticNode('c', 100, { version: '0.0.9' }), 'c.json');
    expect(m.finish().warnings.join('\n')).toMatch(/different hetbench versions \(0\.1\.0: 1, 0\.0\.9: 1\)/);
  });

  it('a node measured under the --slow what-if is merged as measured, flagged by the rule alone, and named in a warning', () => {
    const healthy = ['a', 'b', 'c', 'd'].map((n) => syntheticNode(n, 100));
    const base = syntheticNode('w', 100);
    const stepS = (base.units?.stepS ?? []).map((s) => s * 2);
    const whatIf = { ...base, units: summarizeUnits(stepS, 10, 1e9, 24, { workFactor: 2 }) };
    expect(whatIf.units.workFactor).toBe(2);
    expect(findViolation('fleet-node', whatIf)).toBeNull();
    expect(findViolation('fleet-node', { ...whatIf, units: { ...whatIf.units, workFactor: 11 } })).not.toBeNull();
    const fleet = mergeOf([...healthy, whatIf]);
    expect(fleet.groups[0]?.slow.map((s) => s.name)).toEqual(['w']);
    expect(fleet.warnings.join('\n')).toMatch(/node w ran the --slow 2 what-if/);
    // Without the what-if nothing says so.
    expect(mergeOf(healthy).warnings.join('\n')).not.toMatch(/what-if/);
    expect(summarizeUnits(stepS, 10, 1e9, 24, { workFactor: 1 }).workFactor).toBeUndefined();
  });
});

describe('fleet merge (CLI, in-process)', () => {
  it('merges files into the fleet file, Markdown and HTML, naming the slow node', async () => {
    const dir = tmp();
    const files = writeNodes(dir, [
      syntheticNode('a', 100),
      syntheticNode('b', 101),
      syntheticNode('c', 99),
      syntheticNode('slow-one', 50),
    ]);
    const out = join(dir, 'fleet.json');
    const r = await runCli(fleetMergeCommand, [
      ...files,
      '--out',
      out,
      '--md',
      join(dir, 'f.md'),
      '--html',
      join(dir, 'f.html'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/slow-one\s+h100-sxm\s+50\.\d\s+9\d\.\d%/);
    expect(r.stdout).toMatch(/h100-sxm\s+4\s+.*\s1\n/);
    // Markdown and HTML: the same tables; the HTML on the report's page (its CSP: no fetch, no script).
    expect(readFileSync(join(dir, 'f.md'), 'utf8')).toMatch(/^\| slow-one \| h100-sxm \| 50\.\d \| 9\d\.\d% \|/m);
    const html = readFileSync(join(dir, 'f.html'), 'utf8');
    expect(html).toContain(`content="${CSP}"`);
    expect(html).toMatch(/<th scope="row">slow-one<\/th>/);
    const input = readFleetInput(out, ['fleet']);
    expect(input.kind).toBe('fleet');
  });

  it.each([
    ['another tool', { tool: 'other', kind: 'fleet-node', schemaVersion: 1 }, /\$\.tool/],
    ['another kind', { tool: 'hetbench', kind: 'run', schemaVersion: 1 }, /\$\.kind/],
    ['another version', { ...syntheticNode('x', 1), schemaVersion: 2 }, /\$\.schemaVersion.*must be 1/],
    ['a broken node file', { ...syntheticNode('x', 1), units: { unitsPerS: -1 } }, /\$\.units/],
  ])('%s is exit 2 naming the file', async (_, content, message) => {
    const dir = tmp();
    const good = writeNodes(dir, [syntheticNode('a', 100)]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(content));
    const r = await runCli(fleetMergeCommand, [...good, bad]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/bad\.json/);
    expect(String(r.error)).toMatch(message);
  });

  it('a merge of nothing is exit 2', async () => {
    const r = await runCli(fleetMergeCommand, []);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/FILES/);
  });
});

describe('--fleet seam (applyFleet)', () => {
  it('scales a generation with slow nodes down, and a generation measured slower than its datasheet ratio', () => {
    const h100 = ['a', 'b', 'c'].map((n) => syntheticNode(n, 100));
    // A100s at 25% of the H100s' speed, while the datasheets' fp32 ratio is 19.5 / 67 = 29%.
    const a100 = ['p', 'q', 'r'].map((n) => syntheticNode(n, 25, { gpu: 'a100-sxm-80gb' }));
    const fleet = mergeOf([...h100, syntheticNode('d', 50), ...a100]);
    const applied = applyFleet(fleet, catalog, ['a100-sxm-80gb', 'h100-sxm'], 'fleet.json');
    const f = Object.fromEntries(applied.factors.map((x) => [x.gpu, x.factor]));
    const spec = (id: string) => catalog.find((g) => g.id === id);
    expect(f['h100-sxm']).toBeLessThan(0.9); // one node in four at half speed
    const datasheet = (spec('a100-sxm-80gb')?.fp32Tflops ?? 0) / (spec('h100-sxm')?.fp32Tflops ?? 1);
    const [a, h] = fleet.generations;
    expect(a?.gpu).toBe('a100-sxm-80gb');
    expect((a?.healthyGflops ?? 0) / (h?.healthyGflops ?? 1)).toBeCloseTo(0.25, 1);
    expect(f['a100-sxm-80gb']).toBeCloseTo(
      (a?.healthyGflops ?? 0) / (h?.healthyGflops ?? 1) / datasheet / (a?.meanTimeRatio ?? 1),
      9,
    );
    expect(f['a100-sxm-80gb']).toBeLessThan(0.9); // measured 25% of an H100, the datasheets say 29%
    const scaled = applied.gpus.find((g) => g.id === 'h100-sxm');
    expect(scaled?.bf16DenseTflops).toBeCloseTo((spec('h100-sxm')?.bf16DenseTflops ?? 0) * (f['h100-sxm'] ?? 0), 6);
    expect(scaled?.sources.bf16DenseTflops.note).toMatch(/measured fleet speed/);
  });

  it('a fleet that shares no generation with the cluster is bad input naming --fleet', () => {
    const fleet = mergeOf(['a', 'b', 'c'].map((n) => syntheticNode(n, 100)));
    expect(() => applyFleet(fleet, catalog, ['l40s'], 'fleet.json')).toThrow(/--fleet.*names no GPU generation/);
  });
});
