import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyRun } from '../src/bench/policy-run.js';
import { compareCommand } from '../src/cli/compare.js';
import { reportCommand } from '../src/cli/report.js';
import { clusterPresets } from '../src/cluster/presets.js';
import { SpecError } from '../src/errors.js';
import { catalog } from '../src/hardware/catalog.js';
import { toBmf } from '../src/report/bmf.js';
import { compareReports, DEFAULT_COMPARE_OPTIONS } from '../src/report/compare.js';
import { toGab } from '../src/report/gab.js';
import { hardwareTable } from '../src/report/hardware.js';
import { renderHtml } from '../src/report/html.js';
import { parseReport } from '../src/report/load.js';
import { renderMarkdown } from '../src/report/markdown.js';
import type { BenchReport, Report, RunReport } from '../src/report/schema.js';
import { jsonPath, type PathKey, validate } from '../src/spec/validate.js';
import { workloadPresets } from '../src/workload/presets.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeBenchReport, makeRunReport } from './fixtures/reports.js';

/*
 * schemas/ is the one source of truth for what hetbench reads (specs, reports, the tuning
 * cache); test/schema-types.test.ts holds the TypeScript types to it. These tests hold the
 * presets and fixtures to the schemas, and the readers to the promise that a report the schema
 * accepts renders, and one it rejects fails with a SpecError naming the path (exit 2), never a
 * TypeError.
 */

describe('presets and fixtures conform to the schemas', () => {
  it.each(clusterPresets.map((c) => [c.name, c] as const))('cluster preset %s', (_name, cluster) => {
    expect(() => validate('cluster', cluster, { source: cluster.name })).not.toThrow();
  });

  it('every catalog GPU, written out as a new GPU in a spec', () => {
    const spec = {
      name: 'catalog',
      gpus: catalog.map((g) => ({ ...g, id: `x-${g.id}` })),
      groups: [{ gpu: 'x-h100-sxm', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 }],
    };
    expect(() => validate('cluster', spec)).not.toThrow();
  });

  it.each(workloadPresets.map((w) => [w.name, w] as const))('workload preset %s', (_name, workload) => {
    expect(() => validate('workload', workload, { source: workload.name })).not.toThrow();
  });

  it.each([
    ['run', makeRunReport()],
    ['run on an h100, 3 steps', makeRunReport({ adapter: 'h100', steps: 3, seed: 4 })],
    ['bench', makeBenchReport()],
    ['bench on an l4', makeBenchReport({ adapter: 'l4', seed: 2 })],
  ])('report fixture: %s', (_name, report) => {
    expect(parseReport(JSON.parse(JSON.stringify(report)), 'r.json')).toEqual(report);
  });

  it('a partial run report without GPU, decomposition or trace, and a bench report without roofline or BLAS', () => {
    const run = makeRunReport({ steps: 2 });
    const partial: RunReport = {
      ...run,
      status: 'partial',
      failure: 'device lost',
      environment: { ...run.environment, adapter: null, gitSha: null },
      policies: [],
      metrics: [],
      decomposition: null,
      adaptiveTrace: null,
      measurement: null,
    } as RunReport;
    const bench: BenchReport = { ...makeBenchReport(), roofline: null, blas: null };
    for (const report of [partial, bench]) {
      expect(parseReport(JSON.parse(JSON.stringify(report)), 'r.json')).toEqual(report);
      expect(renderHtml(report)).toMatch(/<\/html>\n$/);
    }
  });
});

/** Every object key and array element of a JSON value (the first element of each array only). */
function locations(value: unknown, at: PathKey[] = []): PathKey[][] {
  if (Array.isArray(value)) return value.length === 0 ? [] : [[...at, 0], ...locations(value[0], [...at, 0])];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...at, k], ...locations(v, [...at, k])]);
}

function mutated(report: Report, at: readonly PathKey[], change: 'delete' | 'retype'): unknown {
  // Through JSON, as a report is read: the fixtures share arrays (a kernel's samples are its metric's).
  const copy = JSON.parse(JSON.stringify(report)) as Record<PathKey, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<PathKey, unknown>;
  const key = at.at(-1) as PathKey;
  if (change === 'delete') delete parent[key];
  else parent[key] = typeof parent[key] === 'string' ? 12 : '12';
  return copy;
}

/** Everything that reads a report: the renderers, both exports, compare and the hardware table. */
function readAll(original: Report, report: Report): void {
  renderHtml(report);
  renderMarkdown(report);
  toBmf(report);
  toGab(report, 'smaller');
  toGab(report, 'bigger');
  compareReports(original, report, DEFAULT_COMPARE_OPTIONS);
  hardwareTable([
    { label: 'a', report: original },
    { label: 'b', report },
  ]);
}

describe('a report the schema accepts renders; one it rejects names the path', () => {
  const reports: [string, Report][] = [
    ['run', makeRunReport({ steps: 3 })],
    ['bench', makeBenchReport({ steps: 3 })],
  ];
  for (const [kind, report] of reports) {
    for (const change of ['delete', 'retype'] as const) {
      it(`${kind} report: ${change} each field in turn`, () => {
        let rejected = 0;
        let accepted = 0;
        for (const at of locations(report)) {
          if (change === 'delete' && typeof at.at(-1) === 'number') continue; // a shorter array is still valid
          const value = mutated(report, at, change);
          let parsed: Report | undefined;
          try {
            parsed = parseReport(value, 'r.json');
          } catch (err) {
            expect(err, jsonPath(at)).toBeInstanceOf(SpecError);
            // tool is checked before the schema, as "is this a hetbench report at all".
            const path = jsonPath(at) === '$.tool' ? '$.tool.name' : jsonPath(at);
            expect((err as SpecError).field, jsonPath(at)).toBe(`r.json: ${path}`);
            rejected++;
            continue;
          }
          expect(() => readAll(report, parsed), jsonPath(at)).not.toThrow();
          accepted++;
        }
        // Most fields are required and typed; the few optional or untyped ones are accepted.
        expect(rejected).toBeGreaterThan(40);
        expect(accepted).toBeLessThan(rejected / 5);
      });
    }
  }
});

describe('hetbench report and compare on a report with a bad field: exit 2 naming the path', () => {
  const run = makeRunReport({ steps: 4 });
  const bench = makeBenchReport();
  const { inputs: _inputs, ...noInputs } = run;
  const { allocation: _allocation, ...noAllocation } = run.policies[1] as PolicyRun;
  it.each([
    ['createdAt: 12', { ...run, createdAt: 12 }, /r\.json: \$\.createdAt: got 12; must be a string\./],
    ['no inputs', noInputs, /r\.json: \$\.inputs: missing; is required\./],
    [
      'a policy without allocation',
      { ...run, policies: [run.policies[0], noAllocation, ...run.policies.slice(2)] },
      /r\.json: \$\.policies\[1\]\.allocation: missing; is required\./,
    ],
    [
      'a string where a number belongs',
      { ...run, policies: [{ ...run.policies[0], measured: { ...run.policies[0]?.measured, stepS: '1.5' } }] },
      /r\.json: \$\.policies\[0\]\.measured\.stepS: got "1\.5"; must be a finite number\./,
    ],
    [
      'a bench kernel with a string dtype it does not know',
      { ...bench, kernels: [{ ...bench.kernels[0], dtype: 'f64' }] },
      /r\.json: \$\.kernels\[0\]\.dtype: got "f64"; must be one of: f32, f16\./,
    ],
    [
      'an adapter that is not an object',
      { ...run, environment: { ...run.environment, adapter: 'llvmpipe' } },
      /r\.json: \$\.environment\.adapter: got "llvmpipe"; must be null or a JSON object/,
    ],
  ])('%s', async (_name, content, message) => {
    const f = writeJsonFiles({ 'r.json': content, 'ok.json': run });
    const html = join(f.dir, 'out.html');
    const report = await runCli(reportCommand, [f['r.json']!, '--html', html]);
    expect(report.error).toBeInstanceOf(SpecError);
    expect(report.code).toBe(2);
    expect(String(report.error)).toMatch(message);
    expect(existsSync(html)).toBe(false);
    const compare = await runCli(compareCommand, [f['ok.json']!, f['r.json']!]);
    expect(compare.error).toBeInstanceOf(SpecError);
    expect(compare.code).toBe(2);
    expect(String(compare.error)).toMatch(message);
  });
});
