import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';
import { hetbench, type SpawnResult } from '../helpers/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hetbench-run-'));
const POLICIES = ['lockstep', 'minmax', 'adaptive', 'islands'];
const STEPS = 3;
let run: SpawnResult;
let report: RunReport;

beforeAll(() => {
  run = hetbench(
    [
      'run',
      '--quick',
      '--cluster',
      'lab-a100-h100',
      '--workload',
      '8b',
      '--policy',
      POLICIES.join(','),
      '--steps',
      String(STEPS),
      '--jitter',
      'measured',
      '--json',
      join(dir, 'run.json'),
      '--md',
      join(dir, 'run.md'),
    ],
    {},
    300_000,
  );
  report = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunReport;
}, 300_000);

describe('hetbench run (measured on the local adapter)', () => {
  it('exits 0 and prints the comparison table with measured and modelled columns', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/policy\s+step s\s+\(model\)\s+loss\s+\(model\)/);
    // measured step (with its 95% interval), then the model's
    for (const p of POLICIES)
      expect(run.stdout).toMatch(new RegExp(`^${p}\\s+[\\d.]+ \\[[\\d.]+, [\\d.]+\\]\\s+[\\d.]+`, 'm'));
    expect(run.stdout).toMatch(/lockstep straggler loss: measured [\d.]+% vs model [\d.]+%/);
  });

  it('writes a versioned, complete JSON report with the environment and inputs', () => {
    expect(report.schemaVersion).toBe(1);
    expect(report.kind).toBe('run');
    expect(report.status).toBe('complete');
    expect(report.tool.name).toBe('hetbench');
    expect(report.environment.adapter?.backend).toBe('vulkan');
    expect(report.environment.timing).toBe('gpu-timestamp');
    expect(report.environment.webgpu).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.environment.dawnToggles).toContain('disable-dawn-features=timestamp_quantization');
    expect(report.environment.node).toBe(process.version);
    // auto: the host sleeps between polls on a software adapter and spins on a GPU
    expect(report.environment.hostPolling).toBe(report.environment.adapter?.isFallbackAdapter ? 'timer' : 'busy');
    expect(report.inputs.steps).toBe(STEPS);
    expect(report.inputs.quick).toBe(true);
    expect(report.policies.map((p) => p.policy)).toEqual(POLICIES);
  });

  it('keeps every raw per-step sample, and every allocation sums to the global batch', () => {
    const globalBatch = (report as unknown as { measurement: { globalBatch: number } }).measurement.globalBatch;
    for (const p of report.policies) {
      expect(p.steps).toHaveLength(STEPS);
      expect(p.allocation.reduce((a, b) => a + b, 0)).toBe(globalBatch);
      for (const s of p.steps) {
        expect(s.stepS).toBeGreaterThan(0);
        expect(s.classComputeS).toHaveLength(report.classes.length);
      }
    }
    const stepMetric = report.metrics.find((m) => m.name === 'run.lockstep.stepTime');
    expect(stepMetric?.samples).toHaveLength(STEPS);
    expect(stepMetric?.better).toBe('lower');
  });

  it("tracks each policy's speedup over lockstep round by round (lockstep's step / the policy's, same round)", () => {
    const lock = report.policies.find((p) => p.policy === 'lockstep');
    expect(report.metrics.find((m) => m.name === 'run.lockstep.speedup')).toBeUndefined();
    for (const name of POLICIES.filter((p) => p !== 'lockstep')) {
      const p = report.policies.find((x) => x.policy === name);
      const metric = report.metrics.find((m) => m.name === `run.${name}.speedup`);
      expect(metric?.better).toBe('higher');
      expect(metric?.value).toBe(p?.measured.speedup);
      expect(metric?.samples).toEqual(p?.steps.map((s, t) => (lock?.steps[t]?.stepS ?? Number.NaN) / s.stepS));
    }
  });

  it('measures lockstep as the slowest synchronous split on a mixed lab (speedup of minmax > 1)', () => {
    const lock = report.policies.find((p) => p.policy === 'lockstep');
    const minmax = report.policies.find((p) => p.policy === 'minmax');
    expect(lock?.measured.speedup).toBeCloseTo(1, 10);
    expect(minmax?.predicted.speedup).toBeGreaterThan(1.2);
    expect(minmax?.measured.speedup).toBeGreaterThan(1.2);
    expect(lock?.measured.stragglerLoss).toBeGreaterThan(minmax?.measured.stragglerLoss ?? 1);
  });

  it('records the adaptive policy trace and the loss decomposition', () => {
    expect(report.adaptiveTrace).toHaveLength(STEPS);
    const d = report.decomposition;
    expect(d).not.toBeNull();
    if (d) expect(d.generationMix + d.jitter + d.communication + d.memoryCaps).toBeCloseTo(d.total, 9);
  });

  it('--jitter measured takes the tail from the local noise it measured', () => {
    const j = (
      report as unknown as { measurement: { jitter: { source: string; cv: number; tailCv: number; samples: number } } }
    ).measurement.jitter;
    expect(j.source).toBe('measured');
    expect(j.tailCv).toBe(j.cv);
    expect(j.cv).toBeGreaterThan(0);
    expect(j.samples).toBeGreaterThanOrEqual(POLICIES.length);
  });

  it('writes a Markdown summary beside it', () => {
    expect(existsSync(join(dir, 'run.md'))).toBe(true);
    expect(readFileSync(join(dir, 'run.md'), 'utf8')).toMatch(/lockstep/);
  });
});

describe('hetbench run failure paths', () => {
  it('a device lost mid-run exits 3 and still writes the finished policies, marked partial', () => {
    const out = join(dir, 'partial.json');
    const r = hetbench(
      [
        'run',
        '--quick',
        '--cluster',
        'lab-a100-h100',
        '--workload',
        '8b',
        '--policy',
        'lockstep,minmax',
        '--steps',
        '2',
        '--json',
        out,
      ],
      { HETBENCH_FAULT: 'lose-device:minmax' },
      300_000,
    );
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/GPU failure during the run: GPU device lost/);
    const partial = JSON.parse(readFileSync(out, 'utf8')) as RunReport;
    expect(partial.status).toBe('partial');
    expect(partial.failure).toMatch(/device lost/);
    expect(partial.policies.map((p) => p.policy)).toEqual(['lockstep']);
  });

  it.each([
    [['--steps', '0'], /--steps: got "0"/],
    [['--jitter', '2'], /--jitter: got "2"; must be a number from 0 to 1/],
    [['--policy', 'fastest'], /--policy: got "fastest"; is not a policy; use one of: lockstep/],
    [['--cluster', 'no-such-cluster'], /no-such-cluster/],
    [['--workload', '7b'], /7b/],
  ])('bad input %j exits 2 before touching the GPU', (args, message) => {
    const r = hetbench(['run', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("runs a user's cluster spec file", () => {
    const spec = join(dir, 'mine.json');
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'mine',
        groups: [
          { gpu: 'h100-sxm', count: 16, scaleUpDomain: 8, scaleOutGBs: 50 },
          { gpu: 'b200', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 },
        ],
      }),
    );
    const r = hetbench(
      ['run', '--quick', '--cluster', spec, '--workload', '8b', '--policy', 'lockstep', '--steps', '1'],
      {},
      300_000,
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/hetbench run: mine x 8b \(24 GPUs: 16 h100-sxm \+ 8 b200/);
    // auto on a software adapter: the tail uses the cluster jitter, not the host's noise.
    expect(r.stdout).toMatch(/slowest-of-n tail at jitter CV 2\.00% \(cluster jitter/);
  });
});
