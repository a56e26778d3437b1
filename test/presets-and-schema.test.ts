import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLUSTER_LIMITS, parseClusterSpec } from '../src/cluster/parse.js';
import { clusterPresets } from '../src/cluster/presets.js';
import { SpecError } from '../src/errors.js';
import { catalog } from '../src/hardware/catalog.js';
import { parseWorkloadSpec, WORKLOAD_LIMITS } from '../src/workload/parse.js';
import { workloadPresets } from '../src/workload/presets.js';

interface Schema {
  required: string[];
  properties: Record<string, { maximum?: number }>;
  $defs: {
    group: { required: string[]; properties: Record<string, { maximum?: number }> };
    gpu: { if: { not: { properties: { id: { enum: string[] } } } } };
  };
}
const load = (name: string): Schema =>
  JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as Schema;
const clusterSchema = load('cluster');
const workloadSchema = load('workload');
const roundTrip = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('presets', () => {
  it('include the named clusters and workloads', () => {
    expect(clusterPresets.map((c) => c.name)).toEqual(
      expect.arrayContaining(['colossus-1', 'homogeneous-h100', 'lab-a100-h100', 'lab-v100-a100-h100']),
    );
    expect(workloadPresets.map((w) => w.name)).toEqual([
      '8b',
      '70b',
      '405b',
      'llama3-8b',
      'llama3-70b',
      'llama3-405b',
      'gpt3-175b',
      'megatron-1t',
    ]);
  });

  it('colossus-1 and homogeneous-h100 have the same 220,000 GPUs', () => {
    const total = (name: string): number =>
      clusterPresets.find((c) => c.name === name)?.groups.reduce((s, g) => s + g.count, 0) ?? 0;
    expect([total('colossus-1'), total('homogeneous-h100')]).toEqual([220_000, 220_000]);
  });

  it.each(clusterPresets.map((c) => [c.name, c] as const))('cluster %s passes its own validator unchanged', (_n, c) => {
    expect(parseClusterSpec(roundTrip(c), c.name)).toEqual({ cluster: c, gpus: [...catalog] });
  });

  it.each(workloadPresets.map((w) => [w.name, w] as const))(
    'workload %s passes its own validator unchanged',
    (_n, w) => {
      expect(parseWorkloadSpec(roundTrip(w), w.name)).toEqual(w);
    },
  );
});

describe('the JSON Schemas agree with the validators', () => {
  const cluster = roundTrip(clusterPresets[2]) as Record<string, unknown> & { groups: Record<string, unknown>[] };
  const workload = roundTrip(workloadPresets[0]) as Record<string, unknown>;

  it.each(workloadSchema.required)('workload: removing required %s is rejected', (key) => {
    const { [key]: _removed, ...rest } = workload;
    expect(() => parseWorkloadSpec(rest)).toThrow(new RegExp(`\\$\\.${key.replace('$', '\\$')}: missing`));
  });

  it.each(clusterSchema.$defs.group.required)('cluster group: removing required %s is rejected', (key) => {
    const group = { ...cluster.groups[0] };
    delete group[key];
    expect(() => parseClusterSpec({ ...cluster, groups: [group] })).toThrow(`$.groups[0].${key}: missing`);
  });

  it('accepts exactly the schema properties (additionalProperties: false)', () => {
    const optionalWorkload = Object.keys(workloadSchema.properties).filter((k) => !workloadSchema.required.includes(k));
    expect(optionalWorkload.sort()).toEqual(['$schema', 'kvHeads', 'mlp']);
    expect(() => parseWorkloadSpec({ ...workload, $schema: '../schemas/workload.schema.json' })).not.toThrow();
    expect(() => parseWorkloadSpec({ ...workload, extra: 1 })).toThrow(SpecError);
    expect(Object.keys(clusterSchema.properties).sort()).toEqual(['$schema', 'description', 'gpus', 'groups', 'name']);
    expect(() => parseClusterSpec({ ...cluster, $schema: 'x', description: 'd', gpus: [] })).not.toThrow();
  });

  it('uses the same limits', () => {
    expect(clusterSchema.$defs.group.properties['count']?.maximum).toBe(CLUSTER_LIMITS.countPerGroup);
    expect(clusterSchema.$defs.group.properties['scaleUpDomain']?.maximum).toBe(CLUSTER_LIMITS.scaleUpDomain);
    expect(clusterSchema.$defs.group.properties['scaleOutGBs']?.maximum).toBe(CLUSTER_LIMITS.scaleOutGBs);
    for (const key of ['params', 'layers', 'hidden', 'ffnHidden', 'heads', 'vocab', 'seqLen'] as const) {
      expect(workloadSchema.properties[key]?.maximum).toBe(WORKLOAD_LIMITS[key]);
    }
  });

  it('lists the catalog ids that may be overridden without every number', () => {
    expect(clusterSchema.$defs.gpu.if.not.properties.id.enum.sort()).toEqual(catalog.map((g) => g.id).sort());
  });
});
