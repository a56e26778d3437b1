import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

const run = (...args: string[]) => hetbench(args);
const dir = mkdtempSync(join(tmpdir(), 'hetbench-cli-'));

describe('hetbench plan and gpus', () => {
  it('plan --cluster colossus-1 --workload 70b prints the cluster, per-generation step times and the all-reduce', () => {
    const r = run('plan', '--cluster', 'colossus-1', '--workload', '70b');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/h100-sxm\s+150,000\s+8/);
    expect(r.stdout).toMatch(/total\s+220,000/);
    expect(r.stdout).toMatch(/equal split: 32 per GPU/);
    expect(r.stdout).toMatch(/gb200\s+32\s+2\s+[\d.]+\s+\d+\.\d%/);
    expect(r.stdout).toMatch(
      /All-reduce \(hierarchical ring\): .* across 25,278 domains \(bounded by h100-sxm domains\)/,
    );
  });

  it('plan --json gives the same plan as data', () => {
    const r = run(
      'plan',
      '--cluster',
      'lab-v100-a100-h100',
      '--workload',
      '8b',
      '--json',
      '--overlap',
      '0',
      '--global-batch',
      '24',
    );
    expect(r.status).toBe(0);
    const { plan } = JSON.parse(r.stdout) as {
      plan: {
        gpus: number;
        globalBatchSequences: number;
        classes: { gpu: string; computeS: number }[];
        allReduce: { totalS: number; exposedS: number };
      };
    };
    expect([plan.gpus, plan.globalBatchSequences]).toEqual([12, 24]);
    expect(plan.classes.map((c) => c.gpu)).toEqual(['v100-sxm2-32gb', 'a100-sxm-80gb', 'h100-sxm']);
    expect(plan.allReduce.exposedS).toBe(plan.allReduce.totalS);
  });

  it('gpus --json lists every GPU with its sources', () => {
    const r = run('gpus', '--json');
    expect(r.status).toBe(0);
    const { gpus } = JSON.parse(r.stdout) as { gpus: { id: string; sources: Record<string, { url: string }> }[] };
    expect(gpus.length).toBeGreaterThanOrEqual(9);
    for (const g of gpus) expect(Object.keys(g.sources)).toHaveLength(6);
  });

  it('gpus prints a table', () => {
    const r = run('gpus');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/h200-sxm\s+NVIDIA H200 SXM 141GB\s+989\.4/);
  });

  it.each([
    [
      'an unknown preset',
      ['plan', '--cluster', 'colossus-9', '--workload', '70b'],
      /colossus-9.*neither a cluster preset/,
    ],
    ['a missing --workload', ['plan', '--cluster', 'colossus-1'], /--workload: missing; is required/],
    ['an unknown flag', ['plan', '--cluster', 'colossus-1', '--workload', '70b', '--bogus'], /--bogus/],
    [
      'an overlap out of range',
      ['plan', '--cluster', 'colossus-1', '--workload', '70b', '--overlap', '2'],
      /--overlap: got "2"; must be a number from 0 to 1/,
    ],
    [
      'a fractional global batch',
      ['plan', '--cluster', 'colossus-1', '--workload', '70b', '--global-batch', '1.5'],
      /--global-batch/,
    ],
    [
      'malformed JSON',
      ['plan', '--cluster', join(dir, 'broken.json'), '--workload', '8b'],
      /broken\.json: got .*is not valid JSON/,
    ],
    [
      'an unknown GPU in a file',
      ['plan', '--cluster', join(dir, 'unknown-gpu.json'), '--workload', '8b'],
      /\$\.groups\[0\]\.gpu: got "h10"; is not a known GPU; nearest: h100-sxm/,
    ],
  ])('exits 2 with one clear message for %s', (_label, args, message) => {
    writeFileSync(join(dir, 'broken.json'), '{"name": ');
    writeFileSync(
      join(dir, 'unknown-gpu.json'),
      JSON.stringify({ name: 'x', groups: [{ gpu: 'h10', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 }] }),
    );
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/internal error| {4}at /);
  });
});
