import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand, metricFilter } from '../src/cli/compare.js';
import { loadCluster } from '../src/cluster/load.js';
import { SpecError } from '../src/errors.js';
import { loadReport, MAX_REPORT_BYTES, parseReport } from '../src/report/load.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../src/spec/bounded-read.js';
import { MAX_SPEC_BYTES, parseJsonText } from '../src/spec/read-json-file.js';
import { loadWorkload } from '../src/workload/load.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeRunReport } from './fixtures/reports.js';

/*
 * Class 4 of issue 12, unbounded or pathological input: every read is bounded before it is
 * parsed (size, file kind, nesting), reports are bounded in samples, and metric patterns are
 * matched without regular expressions. Each case ends in a SpecError or UsageError (exit 2)
 * naming the limit, within a second; none hangs, overflows the stack or grows memory.
 */

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

function thrown(run: () => unknown): SpecError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return err as SpecError;
  }
  throw new Error('expected a SpecError');
}

describe('reads are bounded before parsing', () => {
  it('/dev/zero as a spec or a report is refused as a device at once, not read until memory runs out', () => {
    const started = performance.now();
    for (const read of [() => loadCluster('/dev/zero'), () => loadWorkload('/dev/zero'), () => loadReport('/dev/zero')])
      expect(thrown(read).message).toMatch(/\/dev\/zero: .*is a character device, not a regular file/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a spec one byte over the limit is refused naming the limit; one at the limit is parsed', () => {
    const f = writeJsonFiles({ 'at.json': '', 'over.json': '' });
    writeFileSync(f['at.json']!, `"${'x'.repeat(MAX_SPEC_BYTES - 2)}"`);
    writeFileSync(f['over.json']!, `"${'x'.repeat(MAX_SPEC_BYTES - 1)}"`);
    // At the limit it is read and parsed (then rejected as not a cluster object, which is fine).
    expect(thrown(() => loadCluster(f['at.json']!)).message).toMatch(/must be a JSON object/);
    expect(thrown(() => loadCluster(f['over.json']!)).message).toMatch(/larger than the 4,194,304-byte limit/);
  });

  it('a sparse report larger than the report limit is refused without reading it all', () => {
    const f = writeJsonFiles({ 'huge.json': '' });
    truncateSync(f['huge.json']!, 100 * 1024 * 1024);
    expect(thrown(() => loadReport(f['huge.json']!)).message).toMatch(
      new RegExp(`larger than the ${MAX_REPORT_BYTES.toLocaleString('en-US')}-byte limit`),
    );
  });

  it('nesting 100,000 deep is a SpecError naming the depth limit in specs, reports and compare', async () => {
    const text = deep(100_000);
    const f = writeJsonFiles({ 'deep.json': text, 'ok.json': makeRunReport({ steps: 4 }) });
    const limit = new RegExp(`nested too deeply: at most ${MAX_JSON_DEPTH} levels`);
    expect(thrown(() => parseJsonText(text, 'x.json')).message).toMatch(limit);
    expect(thrown(() => loadCluster(f['deep.json']!)).message).toMatch(limit);
    expect(thrown(() => loadWorkload(f['deep.json']!)).message).toMatch(limit);
    expect(thrown(() => loadReport(f['deep.json']!)).message).toMatch(limit);
    const compare = await runCli(compareCommand, [f['ok.json']!, f['deep.json']!]);
    expect(compare.code).toBe(2);
    expect(String(compare.error)).toMatch(limit);
  });

  it('the depth scan counts brackets outside strings only, and stops at the limit', () => {
    expect(jsonDepth(`{"name": "${'['.repeat(500)}"}`)).toBe(1);
    expect(jsonDepth('{"a": "\\"[[[", "b": [[1]]}')).toBe(3);
    expect(jsonDepth(deep(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
    expect(jsonDepth(deep(1_000_000))).toBe(MAX_JSON_DEPTH + 1);
    expect(() => parseJsonText(deep(MAX_JSON_DEPTH), 'x.json')).not.toThrow();
  });

  it('an unreadable path still says it is neither a preset nor a readable file', () => {
    const f = writeJsonFiles({});
    expect(thrown(() => loadCluster(join(f.dir, 'missing.json'))).message).toMatch(
      /nor a readable JSON file \(ENOENT\)/,
    );
  });
});

describe('reports are bounded in samples', () => {
  it('a metric with more than 10,000 samples is refused naming the limit', () => {
    const run = makeRunReport({ steps: 4 });
    const [first, ...rest] = run.metrics;
    const big = { ...run, metrics: [{ ...first, samples: new Array(10_001).fill(1) }, ...rest] };
    const err = thrown(() => parseReport(JSON.parse(JSON.stringify(big)), 'r.json'));
    expect(err.field).toBe('r.json: $.metrics[0].samples');
    expect(err.message).toMatch(/at most 10,000 samples per metric/);
  });

  it('compare refuses more samples than it can test in seconds, naming the limit and --metrics', async () => {
    const run = makeRunReport({ steps: 4 });
    const metrics = Array.from({ length: 6 }, (_, i) => ({
      name: `run.lockstep.m${i}`,
      unit: 's',
      better: 'lower',
      value: 1,
      samples: Array.from({ length: 10_000 }, (_, j) => 1 + j / 1e5),
    }));
    const f = writeJsonFiles({ 'a.json': { ...run, metrics }, 'b.json': { ...run, metrics } });
    const started = performance.now();
    const r = await runCli(compareCommand, [f['a.json']!, f['b.json']!]);
    expect(r.code).toBe(2);
    expect(String(r.error)).toMatch(/at most 50,000 per report\); pick fewer metrics with --metrics/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('--metrics patterns match without regular expressions', () => {
  it('regular-expression syntax is literal text: no SyntaxError, no accidental match', () => {
    for (const p of ['(', '[', 'run.[a-z', '\\', 'run.+', '*)']) expect(() => metricFilter(p)('run.x')).not.toThrow();
    expect(metricFilter('run.(x)')('run.(x)')).toBe(true);
    expect(metricFilter('run.x')('runAx')).toBe(false);
    expect(metricFilter('run.+')('run.lockstep')).toBe(false);
  });

  it('a pattern that backtracks catastrophically as a regular expression matches in milliseconds', () => {
    const started = performance.now();
    const name = 'a'.repeat(5000);
    expect(metricFilter('a*a*a*a*a*a*a*a*a*a*a*b')(name)).toBe(false);
    expect(metricFilter('*a*a*a*a*a*a*a*a*a*a*a')(name)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('the documented syntax still works: * any run, commas separate patterns; ? one character', () => {
    const keep = metricFilter('run.*.speedup, kernel.tuned.*');
    expect(keep('run.minmax.speedup')).toBe(true);
    expect(keep('run.minmax.stepTime')).toBe(false);
    expect(keep('kernel.tuned.1024x1024x1024.gflops')).toBe(true);
    expect(keep('kernel.naive.1024x1024x1024.gflops')).toBe(false);
    expect(metricFilter('run.*')('run.')).toBe(true);
    expect(metricFilter('run.minmax.?peedup')('run.minmax.speedup')).toBe(true);
    expect(metricFilter('run.minmax.?peedup')('run.minmax.peedup')).toBe(false);
    expect(metricFilter('*')('')).toBe(true);
  });
});
