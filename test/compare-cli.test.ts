import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/compare.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

// End to end through the command: exit code, what is printed first, and the JSON output.
describe('hetbench compare', () => {
  it.each([
    { name: 'same machine, same code', head: { seed: 2 }, code: 0, text: /no regressions/ },
    { name: 'head 10% slower', head: { seed: 2, slowdown: 0.1 }, code: 1, text: /regression/ },
    { name: 'head 10% faster', head: { seed: 2, slowdown: -0.1 }, code: 0, text: /improvement/ },
  ])('$name -> exit $code', async ({ head, code, text }) => {
    const f = writeJsonFiles({ 'base.json': makeRunReport({ seed: 1 }), 'head.json': makeRunReport(head) });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!]);
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(code);
    expect(r.stdout).toMatch(text);
    expect(r.stdout).toMatch(/run\.lockstep\.stepTime/);
  });

  it('a 10% slowdown flags every policy step time, as JSON', async () => {
    const f = writeJsonFiles({
      'base.json': makeRunReport({ seed: 1 }),
      'head.json': makeRunReport({ seed: 2, slowdown: 0.1 }),
    });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!, '--format', 'json', '--threshold', '5']);
    const out = JSON.parse(r.stdout) as { mode: string; metrics: { name: string; verdict: string; ratio: number }[] };
    expect(out.mode).toBe('verdicts');
    const steps = out.metrics.filter((m) => m.name.endsWith('.stepTime'));
    expect(steps).toHaveLength(5);
    for (const s of steps) expect(s).toMatchObject({ verdict: 'regression' });
  });

  it('a slowdown of the whole device (host drift) moves every step time but no per-round speedup', async () => {
    const f = writeJsonFiles({
      'base.json': makeRunReport({ seed: 1 }),
      'head.json': makeRunReport({ seed: 2, slowdown: 0.1 }),
    });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!, '--format', 'json']);
    const metrics = (JSON.parse(r.stdout) as { metrics: { name: string; verdict: string }[] }).metrics;
    const speedups = metrics.filter((m) => m.name.endsWith('.speedup'));
    expect(speedups).toHaveLength(4);
    for (const m of speedups) expect(m.verdict).not.toBe('regression');
  });

  it('a slower policy regresses its per-round speedup over lockstep', async () => {
    const f = writeJsonFiles({
      'base.json': makeRunReport({ seed: 1 }),
      'head.json': makeRunReport({ seed: 2, policySlowdown: { policy: 'minmax', by: 0.15 } }),
    });
    const r = await runCli(compareCommand, [
      f['base.json']!,
      f['head.json']!,
      '--format',
      'json',
      '--metrics',
      'run.*.speedup',
      '--threshold',
      '5',
    ]);
    expect(r.code).toBe(1);
    const metrics = (JSON.parse(r.stdout) as { metrics: { name: string; verdict: string }[] }).metrics;
    expect(metrics.filter((m) => m.verdict === 'regression').map((m) => m.name)).toEqual(['run.minmax.speedup']);
  });

  it('--metrics gives verdicts only on the metrics it matches', async () => {
    const f = writeJsonFiles({
      'base.json': makeRunReport({ seed: 1 }),
      'head.json': makeRunReport({ seed: 2, slowdown: 0.1 }),
    });
    const r = await runCli(compareCommand, [
      f['base.json']!,
      f['head.json']!,
      '--format',
      'json',
      '--metrics',
      'run.minmax.*, run.*.tokensPerS',
    ]);
    expect(r.code).toBe(1);
    const names = (JSON.parse(r.stdout) as { metrics: { name: string }[] }).metrics.map((m) => m.name);
    expect(names).toContain('run.minmax.stepTime');
    expect(names).toContain('run.lockstep.tokensPerS');
    expect(names).not.toContain('run.lockstep.stepTime');
    expect(names.every((n) => n.startsWith('run.minmax.') || n.endsWith('.tokensPerS'))).toBe(true);
  });

  it('--metrics that matches nothing exits 2 naming the flag and the pattern', async () => {
    const f = writeJsonFiles({ 'base.json': makeRunReport({ seed: 1 }), 'head.json': makeRunReport({ seed: 2 }) });
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!, '--metrics', 'kernel.*']);
    expect(r.code).toBe(2);
    expect((r.error as Error | undefined)?.message ?? r.stderr).toMatch(/--metrics.*kernel\.\*.*matches no metric/s);
  });

  it('different adapters: says so first and shows the hardware table, exit 0', async () => {
    const f = writeJsonFiles({
      'lavapipe.json': makeRunReport({ seed: 1 }),
      'h100.json': makeRunReport({ seed: 2, slowdown: -0.5, adapter: 'h100' }),
    });
    const r = await runCli(compareCommand, [f['lavapipe.json']!, f['h100.json']!]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^Different adapters: .*llvmpipe.*NVIDIA/);
    expect(r.stdout).toMatch(/lockstep loss/);
    expect(r.stdout).not.toMatch(/\b(unchanged|improvement)\b|regression \(/);
  });

  it('different adapters with --force: verdicts and the exit code again', async () => {
    const f = writeJsonFiles({
      'a.json': makeRunReport({ seed: 1 }),
      'b.json': makeRunReport({ seed: 2, slowdown: 0.2, adapter: 'h100' }),
    });
    const r = await runCli(compareCommand, [f['a.json']!, f['b.json']!, '--force']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/adapters differ/);
  });

  it('three reports: one hardware table with kernel shapes and roofline', async () => {
    const f = writeJsonFiles({
      'cpu.json': makeBenchReport({ adapter: 'lavapipe' }),
      'l4.json': makeBenchReport({ adapter: 'l4' }),
      'h100.json': makeBenchReport({ adapter: 'h100' }),
    });
    const r = await runCli(compareCommand, [f['cpu.json']!, f['l4.json']!, f['h100.json']!, '--format', 'md']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| report') && !l.startsWith('| ---'));
    expect(rows.map((l) => l.split('|')[1]!.trim())).toEqual(['cpu.json', 'l4.json', 'h100.json']);
    expect(r.stdout).toMatch(/1024³ f16 GFLOP\/s/);
    expect(r.stdout).toMatch(/FMA f32 GFLOP\/s/);
  });

  it.each([
    { argv: ['only-one.json'], field: /compare/ },
    { argv: ['a', 'b', '--threshold', 'lots'], field: /--threshold/ },
    { argv: ['a', 'b', '--alpha', '0.9'], field: /--alpha/ },
    { argv: ['a', 'b', '--format', 'xml'], field: /--format/ },
  ])('bad input $argv -> exit 2 naming the flag', async ({ argv, field }) => {
    const r = await runCli(compareCommand, argv);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(field);
  });

  it('a run report against a bench report has nothing to compare: exit 2', async () => {
    const f = writeJsonFiles({ 'run.json': makeRunReport(), 'bench.json': makeBenchReport() });
    const r = await runCli(compareCommand, [f['run.json']!, f['bench.json']!]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/no metric in common/);
  });
});

describe('hetbench compare under GitHub Actions', () => {
  it('appends its Markdown verdict table to the job summary and writes --md', async () => {
    const f = writeJsonFiles({
      'base.json': makeRunReport({ seed: 1 }),
      'head.json': makeRunReport({ seed: 2, slowdown: 0.1 }),
    });
    const summary = join(f.dir, 'summary.md');
    const md = join(f.dir, 'compare.md');
    const r = await runCli(compareCommand, [f['base.json']!, f['head.json']!, '--md', md, '--threshold', '5'], {
      stepSummary: summary,
    });
    expect(r.code).toBe(1);
    const text = readFileSync(summary, 'utf8');
    expect(text).toBe(readFileSync(md, 'utf8'));
    expect(text).toMatch(/^## hetbench compare: base\.json → head\.json/);
    expect(text).toMatch(/\| run\.lockstep\.stepTime \|.*\| regression/);
  });
});
