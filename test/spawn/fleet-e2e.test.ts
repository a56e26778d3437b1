import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetFile } from '../../src/fleet/fleet-file.js';
import type { FleetNodeReport } from '../../src/fleet/node-report.js';
import { DEFAULT_RULE } from '../../src/fleet/slow-rule.js';
import { hetbench, hetbenchAsync } from '../helpers/spawn-cli.js';

/*
 * The whole fleet path on the real adapter: four `fleet node` runs as separate processes, one
 * of them on a really slower device (lavapipe limited to one thread), merged; the slow one is
 * flagged and no other; the fleet file drives simulate.
 *
 * The four nodes run one after another, so each has the host to itself, as one node of a fleet
 * has its machine: two lavapipe threads on these 2-core machines then run about twice as fast as
 * one. Run at once (the first design), four nodes shared 2 cores, each got half a core, a second
 * thread could not help, and the one-thread node was flagged in only 8 of 16 repetitions
 * (docs/fleet.md). A failure prints each node's speed and the host CPU it got.
 */
const NODE_ARGS = ['--gpu', 'h100-sxm', '--duration', '5', '--step-time', '0.05', '--reps', '2'];

describe('fleet: node runs merged, the slow node found, the fleet file drives simulate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-fleet-e2e-'));
  const env = { HETBENCH_CACHE_DIR: join(dir, 'cache') };
  const names = ['node-a', 'node-b', 'node-c', 'node-slow'] as const;
  const files = names.map((n) => join(dir, `${n}.json`));

  it('four fleet node runs in turn, one with LP_NUM_THREADS=1, merge to exactly that one flagged', async () => {
    for (const [i, name] of names.entries()) {
      const run = hetbenchAsync(
        ['fleet', 'node', '--out', files[i] as string, '--name', name, '--index', String(i), ...NODE_ARGS],
        name === 'node-slow' ? { ...env, LP_NUM_THREADS: '1' } : env,
      );
      const e = await run.exited;
      expect(e.code, e.stderr).toBe(0);
    }
    const reports = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as FleetNodeReport);
    for (const r of reports) {
      expect(r.complete).toBe(true);
      expect(r.units?.stepS.length).toBeGreaterThanOrEqual(5);
      expect(r.roofline?.fmaF32Gflops).toBeGreaterThan(0);
      expect(r.matmul?.length).toBeGreaterThan(0);
    }
    const merged = hetbench(['fleet', 'merge', ...files, '--out', join(dir, 'fleet.json'), '--json']);
    expect(merged.status, merged.stderr).toBe(0);
    const fleet = JSON.parse(merged.stdout) as FleetFile;
    const group = fleet.groups[0];
    // Each node's speed and the host CPU it got: a failure on a starved host says so (a node that
    // gets under one core cannot use its second lavapipe thread, so one thread is no slower).
    const speeds = reports
      .map(
        (r) => `${r.node.name} ${r.units?.unitsPerS.toFixed(2)} units/s on ${r.units?.hostCpuCores?.toFixed(2)} cores`,
      )
      .join(', ');
    expect(fleet.groups.length).toBe(1);
    expect(
      group?.slow.map((s) => s.name),
      `speeds: ${speeds}`,
    ).toEqual(['node-slow']);
    // The margin: how far past the rule's thresholds the slow node is.
    const slow = group?.slow[0];
    expect(slow?.slowdown, `speeds: ${speeds}`).toBeGreaterThan(DEFAULT_RULE.minSlowdown);
    expect(slow?.z).toBeGreaterThan(DEFAULT_RULE.z);
  }, 240_000);

  it("the fleet file lengthens simulate's lockstep step, more with the slow node than without it", () => {
    const healthy = hetbench(['fleet', 'merge', ...files.slice(0, 3), '--out', join(dir, 'healthy.json')]);
    expect(healthy.status, healthy.stderr).toBe(0);
    const sim = (fleet: string | null, jitter: readonly string[]) => {
      const r = hetbench([
        'simulate',
        '--cluster',
        'homogeneous-h100',
        '--workload',
        '70b',
        '--policy',
        'lockstep',
        '--steps',
        '200',
        '--json',
        ...jitter,
        ...(fleet === null ? [] : ['--fleet', fleet]),
      ]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { lockstepStepS: number; jitter: { kind: string; cv: number } };
    };
    // The speed factors alone (no jitter): the slow node's share of time slows the generation.
    const noJitter = ['--jitter', '0'];
    const withSlow = sim(join(dir, 'fleet.json'), noJitter);
    const without = sim(join(dir, 'healthy.json'), noJitter);
    const datasheet = sim(null, noJitter);
    expect(withSlow.lockstepStepS).toBeGreaterThan(without.lockstepStepS);
    expect(withSlow.lockstepStepS).toBeGreaterThan(datasheet.lockstepStepS);
    // Without --jitter the fleet's measured jitter drives the slowest-of-n tail: lavapipe's
    // step noise (CV tens of %) is far above the model's 2%, so the step is longer still.
    const measured = sim(join(dir, 'fleet.json'), []);
    expect(measured.jitter.kind).toBe('empirical');
    expect(measured.jitter.cv).toBeGreaterThan(0.02);
    expect(measured.lockstepStepS).toBeGreaterThan(withSlow.lockstepStepS);
  }, 60_000);

  it('subcommand help, and bad input: a merge of nothing, a node file given twice', () => {
    const help = hetbench(['fleet', 'node', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: hetbench fleet node --out FILE/);
    const none = hetbench(['fleet', 'merge']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/FILES/);
    const twice = hetbench(['fleet', 'merge', files[0] as string, files[0] as string]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/node-a\.json.*already in/);
    const other = hetbench(['fleet', 'unknown']);
    expect(other.status).toBe(2);
  });
});
