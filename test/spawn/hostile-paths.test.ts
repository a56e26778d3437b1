import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';
import { makeRunReport } from '../fixtures/reports.js';
import { hetbench, hetbenchAsync } from '../helpers/spawn-cli.js';

/**
 * Hostile output paths that need another process (issue 12, classes 1 and 2): a FIFO (mkfifo),
 * a character device (a private one made with mknod in a temp folder where that is allowed, so
 * that a regression replaces nothing of the machine's; else /dev/null, never skipped), and `hetbench run`'s outputs, checked before
 * the GPU work and reported one by one when a write fails at the end.
 */
const dir = mkdtempSync(join(tmpdir(), 'hetbench-hostile-'));
const reportPath = join(dir, 'r.json');
writeFileSync(reportPath, JSON.stringify(makeRunReport({ steps: 6 })));
const RUN = [
  'run',
  '--quick',
  '--target-ci',
  'off',
  '--cluster',
  'lab-a100-h100',
  '--workload',
  '8b',
  '--policy',
  'lockstep,minmax',
];

const fifo = (name: string): string => {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
};

/** A character device of our own (the null device's numbers); null where mknod is not allowed. */
const privateNullDevice = ((): string | null => {
  const path = join(dir, 'null-device');
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    return statSync(path).isCharacterDevice() ? path : null;
  } catch {
    return null;
  }
})();

describe('class 1: FIFOs and character devices are written through, never renamed over', () => {
  it('export --out FIFO hands the reader the whole document and leaves the FIFO a FIFO', async () => {
    const path = fifo('export.fifo');
    const received = join(dir, 'received.json');
    const reader = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', path, received]);
    const readerDone = new Promise<number | null>((resolve) => reader.on('close', resolve));
    const r = hetbench(['export', reportPath, '--format', 'bmf', '--out', path], {}, 20_000);
    // A reader still waiting got nothing (the unfixed code renamed a file over the FIFO).
    const giveUp = setTimeout(() => reader.kill(), 5_000);
    await readerDone;
    clearTimeout(giveUp);
    expect(r.status).toBe(0);
    expect(statSync(path).isFIFO()).toBe(true);
    expect(JSON.parse(readFileSync(received, 'utf8'))).toHaveProperty(['run.lockstep']);
  });

  it('a FIFO nobody reads is bad input (exit 2), not a hang and not a replaced FIFO', () => {
    const path = fifo('unread.fifo');
    const started = Date.now();
    const r = hetbench(['export', reportPath, '--format', 'bmf', '--out', path], {}, 20_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out: got ".*unread\.fifo"; is a FIFO with no reader/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(statSync(path).isFIFO()).toBe(true);
  });

  it('a character device stays a device (export --out, report --html)', () => {
    // A device of our own where mknod is allowed; else /dev/null itself, which the fix writes
    // through (never renamed over), so the test always runs.
    const dev = privateNullDevice ?? '/dev/null';
    const r = hetbench(['export', reportPath, '--format', 'bmf', '--out', dev]);
    expect(r.status).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    const rep = hetbench(['report', reportPath, '--html', dev]);
    expect(rep.status).toBe(0);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(dirname(dev)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('class 2: run checks every output path before the GPU work', () => {
  it('run --json DIRECTORY --md ok.md exits 2 at once, before calibrating, and writes nothing', () => {
    const md = join(dir, 'ok.md');
    const started = Date.now();
    const r = hetbench([...RUN, '--steps', '200', '--json', dir, '--md', md], {}, 60_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--json: got ${JSON.stringify(dir)}; is a directory; give a file path`);
    expect(r.stderr).not.toMatch(/calibrating|internal error|\n\s+at /);
    expect(existsSync(md)).toBe(false);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('run --html under a regular file, or --md naming the --json file, exits 2 before the work', () => {
    const a = hetbench([...RUN, '--steps', '200', '--html', join(reportPath, 'x.html')], {}, 60_000);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--html: .*r\.json is not a directory/);
    const json = join(dir, 'same.json');
    const b = hetbench([...RUN, '--steps', '200', '--json', json, '--md', json], {}, 60_000);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--md: .*names the same file as --json/);
    for (const r of [a, b]) expect(r.stderr).not.toMatch(/calibrating/);
  });

  it('a write that fails at the end still writes the other outputs, names the one that failed, exits 2', async () => {
    const sub = join(dir, 'vanishing');
    mkdirSync(sub);
    const json = join(dir, 'late.json');
    const html = join(sub, 'late.html');
    const run = hetbenchAsync([...RUN, '--steps', '2', '--json', json, '--html', html]);
    expect(await run.line(/calibrating/)).not.toBe('');
    // The folder of --html becomes a file while the run works: the write can only fail at the end.
    rmSync(sub, { recursive: true });
    writeFileSync(sub, 'not a folder');
    const { code, stderr } = await run.exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/hetbench: error: could not write --html .*late\.html: /);
    expect(stderr).toMatch(/wrote --json .*late\.json/);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    expect(report.status).toBe('complete');
  }, 120_000);
});
