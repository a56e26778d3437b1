import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRunReport } from '../fixtures/reports.js';
import { hetbench } from '../helpers/spawn-cli.js';

/*
 * Issue 12, classes 4 and 7 through the real CLI, as a user (or a CI script) would hit them:
 * a FIFO nobody writes and /dev/zero as inputs end at once with exit 2 (they used to hang and
 * grow memory), deep JSON is exit 2 and not a RangeError, and nothing user-supplied reaches
 * the terminal as an escape sequence.
 */

const ESC = '\u001b';

describe('hostile inputs through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hetbench-hostile-'));
  const fifo = join(dir, 'spec.fifo');
  execFileSync('mkfifo', [fifo]);

  it.each([
    [
      'a FIFO nobody writes, as the cluster',
      ['plan', '--cluster', fifo, '--workload', '8b'],
      /is a FIFO, not a regular file/,
    ],
    ['a FIFO as a report', ['compare', fifo, fifo], /is a FIFO, not a regular file/],
    [
      '/dev/zero as the workload',
      ['plan', '--cluster', 'lab-a100-h100', '--workload', '/dev/zero'],
      /character device/,
    ],
    ['/dev/zero as a report', ['report', '/dev/zero'], /character device/],
  ])('%s: exit 2 within seconds', (_name, args, message) => {
    const started = Date.now();
    const r = hetbench(args, {}, 20_000);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('JSON nested 100,000 deep: exit 2 naming the limit in plan, compare and report', () => {
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify(makeRunReport({ steps: 4 })));
    for (const args of [
      ['plan', '--cluster', deep, '--workload', '8b'],
      ['compare', ok, deep],
      ['report', deep],
    ]) {
      const r = hetbench(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/nested too deeply: at most 64 levels/);
      expect(r.stderr).not.toMatch(/RangeError|internal error/);
    }
  });

  it('escape sequences in a path or a flag value are printed escaped, never raw', () => {
    for (const args of [
      ['plan', '--cluster', `x${ESC}[2J${ESC}]0;title\u0007.json`, '--workload', '8b'],
      ['plan', '--cluster', 'lab-a100-h100', '--workload', '8b', '--overlap', `${ESC}[31m`],
      ['compare', `a${ESC}[2J.json`, 'b.json'],
    ]) {
      const r = hetbench(args);
      expect(r.status).toBe(2);
      expect(r.stderr.includes(ESC), r.stderr).toBe(false);
      expect(r.stderr).toMatch(/\\u(\{1b\}|001b)/);
    }
  });

  it('a repeated flag is exit 2 naming it', () => {
    const r = hetbench(['plan', '--cluster', 'lab-a100-h100', '--cluster', 'colossus-1', '--workload', '8b']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--cluster: got \["lab-a100-h100","colossus-1"\]; is given more than once/);
  });
});
