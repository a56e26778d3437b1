import { describe, expect, it } from 'vitest';
import { hetbench } from '../helpers/spawn-cli.js';

describe('hetbench plan --search', () => {
  it('--json prints { search, lockstep, plans } with PLANs ranked fastest first', () => {
    const r = hetbench([
      'plan',
      '--cluster',
      'lab-a100-h100',
      '--workload',
      '8b',
      '--search',
      '--json',
      '--global-batch',
      '32',
      '--top',
      '4',
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      search: { seconds: number; candidates: number };
      lockstep: Record<string, unknown>;
      plans: {
        policy: string;
        layouts: Record<string, unknown>[];
        step: { seconds: number; mfu: number; tflopsPerGpu: number };
        speedupOverLockstep: number;
        fits: boolean;
      }[];
    };
    expect(Object.keys(out)).toEqual(['search', 'lockstep', 'plans']);
    expect(out.search.seconds).toBeGreaterThan(0);
    expect(out.search.candidates).toBeGreaterThan(0);
    expect(out.plans.length).toBeGreaterThan(0);
    expect(out.plans.length).toBeLessThanOrEqual(4);
    for (const p of [out.lockstep, ...out.plans]) {
      expect(Object.keys(p)).toEqual(['policy', 'layouts', 'step', 'speedupOverLockstep', 'fits']);
      const plan = p as (typeof out.plans)[number];
      expect(Object.keys(plan.step)).toEqual(['seconds', 'mfu', 'tflopsPerGpu']);
      for (const l of plan.layouts)
        for (const k of [
          'gpu',
          'tp',
          'pp',
          'cp',
          'microBatch',
          'replicas',
          'microBatchesPerReplica',
          'interleave',
          'zero',
          'recompute',
          'unusedGpus',
        ])
          expect(l).toHaveProperty(k);
    }
    const steps = out.plans.map((p) => p.step.seconds);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('prints a ranked table and what the best plan wins from', () => {
    const r = hetbench([
      'plan',
      '--cluster',
      'lab-a100-h100',
      '--workload',
      '8b',
      '--search',
      '--global-batch',
      '64',
      '--top',
      '3',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Plan search: 8b on lab-a100-h100, global batch 64 sequences/);
    expect(r.stdout).toMatch(/^1 +\S+ +[\d.]+ +[\d.]+%/m);
    expect(r.stdout).toMatch(/^lockstep +lockstep/m);
    // The A100s are slower: the best plan splits the batch by speed and says how much of the gain is the split.
    expect(r.stdout).toMatch(/Best plan \(minmax\) is [\d.]+x lockstep's best/);
    expect(r.stdout).toMatch(/the split over generations [\d.]+x/);
  });

  it('exits 2 naming the constraint when no plan is feasible', () => {
    const r = hetbench([
      'plan',
      '--cluster',
      'lab-a100-h100',
      '--workload',
      'llama3-405b',
      '--search',
      '--tp',
      '1',
      '--pp',
      '1',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--search: .*memory excluded the most candidates \(memory \d+/);
    expect(r.stdout).toBe('');
  });

  it('rejects flags a search chooses itself', () => {
    const r = hetbench(['plan', '--cluster', 'lab-a100-h100', '--workload', '8b', '--search', '--sequence-parallel']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--sequence-parallel: .*cannot be combined with --search/);
  });
});
