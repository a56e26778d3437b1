import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';

/*
 * The GitHub Action (action.yml) runs scripts/ci-action.sh in every step; these tests run that
 * script for real (action.yml itself: test/action-yml.test.ts), as a runner would: real `hetbench run`s (short ones, about 3 s each on the
 * software adapter) and real compares, with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files in a temp
 * folder. Two full runs and one interrupted one; every other case fails before any GPU work or
 * runs compare alone on the reports those runs wrote.
 */
const SCRIPT = resolve('scripts/ci-action.sh');
const QUICK = '--quick --cluster lab-a100-h100 --workload 8b --policy lockstep,minmax --steps 4';

interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

/** A fresh runner workspace: a folder with empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */
function workspace(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-action-'));
  const output = join(dir, 'github-output');
  const summary = join(dir, 'step-summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return { dir, env: { GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary } };
}

/** The inherited environment without any input or Actions file of the machine running the tests. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('HETBENCH_') && !k.startsWith('GITHUB_')) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, ...extra };
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

function readResult(
  ws: { dir: string; env: NodeJS.ProcessEnv },
  r: { status: number | null; stdout: string; stderr: string },
): ScriptResult {
  const out = ws.env['GITHUB_OUTPUT'];
  const sum = ws.env['GITHUB_STEP_SUMMARY'];
  return {
    ...r,
    outputs: out !== undefined && existsSync(out) ? parseOutputs(readFileSync(out, 'utf8')) : {},
    summary: sum !== undefined && existsSync(sum) ? readFileSync(sum, 'utf8') : '',
  };
}

function action(
  phase: string,
  ws: { dir: string; env: NodeJS.ProcessEnv },
  inputs: NodeJS.ProcessEnv = {},
): ScriptResult {
  const r = spawnSync('bash', [SCRIPT, phase], {
    cwd: ws.dir,
    encoding: 'utf8',
    env: cleanEnv({ ...ws.env, ...inputs }),
    timeout: 120_000,
  });
  return readResult(ws, r);
}

/** A copy of a report whose per-round speedups are all `factor` times the original's. */
function scaledSpeedups(report: RunReport, factor: number): RunReport {
  return {
    ...report,
    metrics: report.metrics.map((m) =>
      m.name.endsWith('.speedup')
        ? {
            ...m,
            value: m.value * factor,
            samples: m.samples.map((s) => s * factor),
            ...(m.ci ? { ci: [m.ci[0] * factor, m.ci[1] * factor] as const } : {}),
          }
        : m,
    ),
  };
}

describe('scripts/ci-action.sh', () => {
  const first = workspace();
  let firstRun: ScriptResult;
  beforeAll(() => {
    firstRun = action('all', first, { HETBENCH_RUN_ARGS: QUICK });
  }, 120_000);

  it('(a) without a baseline: runs, writes the report, notes the missing baseline, exits 0', () => {
    expect(firstRun.status, firstRun.stderr).toBe(0);
    const report = join(first.dir, 'out', 'run.json');
    expect(firstRun.outputs['report']).toBe(report);
    expect(firstRun.outputs['markdown']).toBe(join(first.dir, 'out', 'run.md'));
    expect(firstRun.outputs['verdict']).toBe('no-baseline');
    expect(firstRun.outputs['exit-code']).toBe('0');
    expect((JSON.parse(readFileSync(report, 'utf8')) as RunReport).status).toBe('complete');
    expect(firstRun.stdout).toMatch(/^::notice title=hetbench::no baseline given: nothing compared/m);
    // hetbench run appended its own summary; the script adds the note after it.
    expect(firstRun.summary).toMatch(/minmax/);
    expect(firstRun.summary).toMatch(/\*\*hetbench:\*\* no baseline given: nothing compared/);
    expect(firstRun.outputs['comparison']).toBeUndefined();
  });

  it('(a) a baseline path that does not exist yet is a notice too, not a failure', () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'out'));
    copyFileSync(join(first.dir, 'out', 'run.json'), join(ws.dir, 'out', 'run.json'));
    const r = action('compare', ws, { HETBENCH_BASELINE: 'baseline/run.json' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.outputs['verdict']).toBe('no-baseline');
    expect(r.stdout).toMatch(/^::notice title=hetbench::no baseline report at 'baseline\/run.json'/m);
  });

  it('(b) with a real earlier report as the baseline: runs, compares, writes the summary', () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'baseline'));
    copyFileSync(join(first.dir, 'out', 'run.json'), join(ws.dir, 'baseline', 'run.json'));
    const r = action('all', ws, { HETBENCH_RUN_ARGS: QUICK, HETBENCH_BASELINE: 'baseline/run.json' });
    // Two quick runs may differ beyond the threshold (docs/ci.md), and a run its quality verdict
    // marks unreliable makes the comparison inconclusive (exit 0); the verdict decides the code.
    const verdict = r.outputs['verdict'];
    expect(['unchanged', 'improved', 'regression', 'inconclusive'], r.stderr).toContain(verdict);
    expect(r.status).toBe(verdict === 'regression' ? 1 : 0);
    expect(r.outputs['exit-code']).toBe(String(r.status));
    expect(r.outputs['comparison']).toBe(join(ws.dir, 'out', 'compare.md'));
    expect(r.summary).toMatch(/## hetbench compare: run\.json → run\.json/);
    expect(r.summary).toMatch(/\| run\.minmax\.speedup \|/);
    expect(readFileSync(join(ws.dir, 'out', 'compare.md'), 'utf8')).toMatch(/run\.minmax\.speedup/);
    const cmp = JSON.parse(readFileSync(join(ws.dir, 'out', 'compare.json'), 'utf8')) as { metrics: unknown[] };
    // The default compares every metric of the report (auto thresholds), minmax's speedup among them.
    const head = JSON.parse(readFileSync(join(ws.dir, 'out', 'run.json'), 'utf8')) as RunReport;
    expect(cmp.metrics.length).toBe(head.metrics.length);
  });

  /** Compare alone: this workspace's head is the first run's report, the baseline a changed copy. */
  function compareWithScaledBaseline(factor: number): ScriptResult {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'out'));
    // Marked good on both sides: these cases test the step's exit codes; a quick run on a loaded
    // host can be marked unreliable, which compare treats as inconclusive (test/spawn/compare-quality.test.ts).
    const report = {
      ...(JSON.parse(readFileSync(join(first.dir, 'out', 'run.json'), 'utf8')) as RunReport),
      quality: { verdict: 'good', reasons: [] },
    } as RunReport;
    writeFileSync(join(ws.dir, 'out', 'run.json'), JSON.stringify(report));
    writeFileSync(join(ws.dir, 'base.json'), JSON.stringify(scaledSpeedups(report, factor)));
    return action('compare', ws, { HETBENCH_BASELINE: 'base.json' });
  }

  it('a regression fails the step with 1, verdict regression, and an error annotation', () => {
    // A 10x change: a 4-step quick run's own intervals can be +-50% wide on a loaded host, and
    // the default (auto) thresholds follow them; this case tests the step's exit code.
    const r = compareWithScaledBaseline(10);
    expect(r.status, r.stderr).toBe(1);
    expect(r.outputs['verdict']).toBe('regression');
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stdout).toMatch(/^::error title=hetbench::performance regression against the baseline/m);
    expect(r.summary).toMatch(/regression/);
  });

  it('an improvement passes with 0, verdict improved', () => {
    const r = compareWithScaledBaseline(0.1);
    expect(r.status, r.stderr).toBe(0);
    expect(r.outputs['verdict']).toBe('improved');
  });

  it("hetbench's own bad input and device failure pass through: 2 and 3", () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, 'out'));
    copyFileSync(join(first.dir, 'out', 'run.json'), join(ws.dir, 'out', 'run.json'));
    copyFileSync(join(first.dir, 'out', 'run.json'), join(ws.dir, 'base.json'));
    const noMatch = action('compare', ws, { HETBENCH_BASELINE: 'base.json', HETBENCH_METRICS: 'no.such.*' });
    expect(noMatch.status).toBe(2);
    expect(noMatch.stderr).toMatch(/--metrics.*no\.such\.\*.*matches no metric/);
    expect(noMatch.outputs['verdict']).toBe('bad-input');
    expect(existsSync(join(ws.dir, 'out', 'compare.json'))).toBe(false);
    expect(existsSync(join(ws.dir, 'out', 'compare.json.tmp'))).toBe(false);

    const device = action('run', workspace(), { HETBENCH_RUN_ARGS: '--quick --adapter no-such-adapter' });
    expect(device.status).toBe(3);
    expect(device.stderr).toMatch(/no WebGPU adapter matches name "no-such-adapter"/);
    expect(device.outputs['verdict']).toBe('device-failure');
    expect(device.outputs['exit-code']).toBe('3');
  });
});

describe('bad input to the action exits 2 before any benchmark, naming the input', () => {
  const cases: [string, (dir: string) => NodeJS.ProcessEnv, RegExp][] = [
    [
      'a baseline that is a folder',
      (dir) => {
        mkdirSync(join(dir, 'baseline'));
        writeFileSync(join(dir, 'baseline', 'run.json'), '{}');
        return { HETBENCH_BASELINE: 'baseline' };
      },
      /baseline: 'baseline' is a folder; give the path of a JSON report file inside it \(baseline\/run\.json is one\)/,
    ],
    [
      'a baseline that is the report this run writes',
      () => ({ HETBENCH_BASELINE: './out/../out/run.json' }),
      /baseline: '.\/out\/..\/out\/run.json' is out\/run.json, which this run writes/,
    ],
    [
      'run-args that set --json',
      () => ({ HETBENCH_RUN_ARGS: '--quick --json x.json' }),
      /run-args: --json is set by the action/,
    ],
    [
      'run-args with quotes',
      () => ({ HETBENCH_RUN_ARGS: "--cluster 'my cluster.json'" }),
      /run-args: got .*quotes and backslashes are not interpreted/,
    ],
    [
      'a threshold that is not a number',
      () => ({ HETBENCH_THRESHOLD: 'ten' }),
      /threshold: got 'ten'; give auto or a percentage/,
    ],
    [
      'a working directory that does not exist',
      () => ({ HETBENCH_WORKING_DIRECTORY: 'nowhere' }),
      /working-directory: 'nowhere' does not exist/,
    ],
    [
      'an out dir that is a file',
      (dir) => {
        writeFileSync(join(dir, 'out'), '');
        return {};
      },
      /out-dir: 'out' exists and is not a folder/,
    ],
    [
      'GITHUB_OUTPUT that is a folder',
      (dir) => {
        mkdirSync(join(dir, 'outputs'));
        return { GITHUB_OUTPUT: join(dir, 'outputs') };
      },
      /GITHUB_OUTPUT: '.*outputs' is a folder; it must name a file/,
    ],
  ];
  it.each(cases)('%s', (_name, setUp, message) => {
    const ws = workspace();
    const inputs = setUp(ws.dir);
    const started = Date.now();
    // 'all' would run the benchmark; bad input must stop it first, so nothing is written.
    const r = action('all', ws, { HETBENCH_RUN_ARGS: QUICK, ...inputs });
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toMatch(/^::error title=hetbench::/m);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(join(ws.dir, 'out', 'run.json'))).toBe(false);
    if (inputs['GITHUB_OUTPUT'] === undefined) {
      expect(r.outputs['verdict']).toBe('bad-input');
      expect(r.outputs['exit-code']).toBe('2');
    }
  });
});

describe('an interrupted run', () => {
  it('SIGTERM to the script reaches hetbench once: partial report kept, exit 143', async () => {
    const ws = workspace();
    const child = spawn('bash', [SCRIPT, 'all'], {
      cwd: ws.dir,
      env: cleanEnv({ ...ws.env, HETBENCH_RUN_ARGS: QUICK.replace('--steps 4', '--steps 400') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const firstStep = new Promise<void>((resolveStep) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/^step 1\/400/m.test(stderr)) resolveStep();
      });
    });
    const exited = new Promise<number | null>((resolveExit) => child.on('close', (code) => resolveExit(code)));
    await firstStep;
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, stderr).toBe(143);
    // Forwarded once: hetbench finished the pass and wrote its outputs (a second signal would not).
    expect(stderr).toMatch(/SIGTERM: finishing the current GPU pass/);
    const r = readResult(ws, { status: code, stdout, stderr });
    expect(r.outputs['verdict']).toBe('interrupted');
    expect(r.outputs['exit-code']).toBe('143');
    const report = JSON.parse(readFileSync(r.outputs['report']!, 'utf8')) as RunReport;
    expect(report.status).toBe('partial');
    expect(report.failure).toMatch(/interrupted by SIGTERM/);
  }, 120_000);
});
