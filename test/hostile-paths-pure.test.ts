import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/compare.js';
import { exportCommand } from '../src/cli/export.js';
import { reportCommand } from '../src/cli/report.js';
import { CACHE_FILE, readTuneCache, storeTune } from '../src/kernels/tune-cache.js';
import { writeFileAtomic } from '../src/write-atomic.js';
import { runCli, writeJsonFiles } from './fixtures/cli.js';
import { makeRunReport } from './fixtures/reports.js';

/**
 * Hostile output paths (issue 12, classes 1-3), in process: every bad output path is bad input
 * (exit 2, naming the flag, the path and the fix), found before anything is written, and no
 * write replaces what is not a regular file. FIFOs, character devices and `hetbench run` are in
 * test/spawn/hostile-paths.test.ts.
 */
const reportText = `${JSON.stringify(makeRunReport({ steps: 6 }))}\n`;
const fixture = () => writeJsonFiles({ 'r.json': reportText });
const message = (r: { error: unknown; stderr: string }) => `${String(r.error)}${r.stderr}`;
/** Every name in dir that looks like one of writeFileAtomic's temp files. */
const tempFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe('class 1: a write never replaces what is not a regular file, nor an input', () => {
  it('report R.json --html R.json is refused and leaves the input as it was', async () => {
    const f = fixture();
    const r = await runCli(reportCommand, [f['r.json']!, '--html', f['r.json']!]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--html: got ".*r\.json"; is one of this command's inputs/);
    expect(readFileSync(f['r.json']!, 'utf8')).toBe(reportText);
  });

  it('an output that reaches an input through a symlink or a hard link is refused too', async () => {
    const f = fixture();
    const link = join(f.dir, 'link.md');
    symlinkSync(f['r.json']!, link);
    const r = await runCli(reportCommand, [f['r.json']!, '--md', link]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--md: .*is one of this command's inputs/);
    expect(readFileSync(f['r.json']!, 'utf8')).toBe(reportText);
    const cmp = await runCli(compareCommand, [f['r.json']!, f['r.json']!, '--md', f['r.json']!]);
    expect(cmp.code).toBe(2);
    expect(readFileSync(f['r.json']!, 'utf8')).toBe(reportText);
  });

  it('two outputs naming the same file are refused, and neither is written', async () => {
    const f = fixture();
    const out = join(f.dir, 'same');
    const r = await runCli(reportCommand, [f['r.json']!, '--html', out, '--md', `${f.dir}/./same`]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--md: .*names the same file as --html/);
    expect(existsSync(out)).toBe(false);
    const summary = join(f.dir, 'summary.md');
    const s = await runCli(reportCommand, [f['r.json']!, '--md', summary], { stepSummary: summary });
    expect(s.code).toBe(2);
    expect(message(s)).toMatch(/GITHUB_STEP_SUMMARY: .*names the same file as --md/);
  });

  it('a symlink is followed: the file it points to is written atomically, the link stays a link', async () => {
    const f = fixture();
    const target = join(f.dir, 'real', 'bmf.json');
    mkdirSync(join(f.dir, 'real'));
    writeFileSync(target, 'old\n');
    const link = join(f.dir, 'bmf-link.json');
    symlinkSync(join('real', 'bmf.json'), link);
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'bmf', '--out', link]);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('real', 'bmf.json'));
    expect(JSON.parse(readFileSync(target, 'utf8'))).toHaveProperty(['run.lockstep']);
    expect(tempFiles(f.dir)).toEqual([]);
    expect(tempFiles(join(f.dir, 'real'))).toEqual([]);
  });

  it('a dangling symlink is refused rather than creating whatever it points at', async () => {
    const f = fixture();
    const link = join(f.dir, 'dangling.html');
    symlinkSync(join(f.dir, 'nowhere', 'x.html'), link);
    const r = await runCli(reportCommand, [f['r.json']!, '--html', link]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--html: .*is a symlink to .*nowhere\/x\.html, which does not exist/);
    expect(existsSync(join(f.dir, 'nowhere'))).toBe(false);
  });

  it("an atomic write keeps the replaced file's permissions (a 0600 report stays private)", () => {
    const { dir } = writeJsonFiles({});
    const path = join(dir, 'private.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o600);
    writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('`-` is stdout for export --out, not a file named "-"', async () => {
    const f = fixture();
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'bmf', '--out', '-']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty(['run.lockstep']);
    expect(existsSync('-')).toBe(false);
  });
});

describe('class 2: output paths are checked before the work, and a bad one is bad input', () => {
  it.each([
    ['report', '--html'],
    ['report', '--md'],
    ['export', '--out'],
  ])('%s %s DIRECTORY exits 2 naming the flag, the path and the fix', async (command, flag) => {
    const f = fixture();
    const argv = command === 'report' ? [f['r.json']!, flag, f.dir] : [f['r.json']!, '--format', 'bmf', flag, f.dir];
    const r = await runCli(command === 'report' ? reportCommand : exportCommand, argv);
    expect(r.code).toBe(2);
    expect(message(r)).toContain(`${flag}: got ${JSON.stringify(f.dir)}; is a directory; give a file path`);
  });

  it('a path under a regular file (FILE/x) exits 2 and says which part is not a folder', async () => {
    const f = fixture();
    const bad = join(f['r.json']!, 'x.html');
    const r = await runCli(reportCommand, [f['r.json']!, '--html', bad]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--html: .*r\.json is not a directory/);
  });

  it('a bad second output stops the command before the first is written', async () => {
    const f = fixture();
    const html = join(f.dir, 'ok.html');
    const r = await runCli(reportCommand, [f['r.json']!, '--html', html, '--md', f.dir]);
    expect(r.code).toBe(2);
    expect(existsSync(html)).toBe(false);
  });

  it('export --out-dir that is a file is refused before writing either direction', async () => {
    const f = fixture();
    const r = await runCli(exportCommand, [f['r.json']!, '--format', 'gab', '--out-dir', f['r.json']!]);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--out-dir: .*is not a directory/);
    expect(readFileSync(f['r.json']!, 'utf8')).toBe(reportText);
  });
});

describe('class 3: empty paths and a directory as the step summary are bad input, not internal errors', () => {
  it('compare A A --md "" exits 2 naming --md', async () => {
    const f = fixture();
    const r = await runCli(compareCommand, [f['r.json']!, f['r.json']!, '--md', '']);
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/--md: got ""; needs a file path/);
  });

  it.each([
    ['compare', compareCommand],
    ['report', reportCommand],
  ] as const)('%s with GITHUB_STEP_SUMMARY pointing at a directory exits 2 naming it', async (name, command) => {
    const f = fixture();
    const argv = name === 'compare' ? [f['r.json']!, f['r.json']!] : [f['r.json']!];
    const md = join(f.dir, 'out.md');
    const r = await runCli(command, [...argv, '--md', md], { stepSummary: f.dir });
    expect(r.code).toBe(2);
    expect(message(r)).toMatch(/GITHUB_STEP_SUMMARY: .*is a directory/);
    expect(existsSync(md)).toBe(false);
  });
});

describe('class 1: the tuning cache write follows the same rules', () => {
  const entry = { config: 'naive', gflops: 1, shape: { m: 64, n: 64, k: 64 }, tunedAt: '2026-01-01T00:00:00.000Z' };

  it('a cache file that is a symlink is written through the link, which stays a link', () => {
    const { dir } = writeJsonFiles({});
    mkdirSync(join(dir, 'cache'));
    const real = join(dir, 'shared-cache.json');
    writeFileSync(real, '{}');
    symlinkSync(real, join(dir, 'cache', CACHE_FILE));
    storeTune('k', entry, { cacheDir: join(dir, 'cache'), onWarning: () => {} });
    expect(lstatSync(join(dir, 'cache', CACHE_FILE)).isSymbolicLink()).toBe(true);
    expect(readTuneCache({ cacheDir: join(dir, 'cache') })).toEqual({ k: entry });
    expect(JSON.parse(readFileSync(real, 'utf8')).entries.k).toEqual(entry);
  });

  it('a cache file that is a directory is a warning, never a crash, and stays a directory', () => {
    const { dir } = writeJsonFiles({});
    mkdirSync(join(dir, CACHE_FILE));
    const warnings: string[] = [];
    storeTune('k', entry, { cacheDir: dir, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/cannot write the tuning cache .*is a directory/);
    expect(statSync(join(dir, CACHE_FILE)).isDirectory()).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
  });
});
