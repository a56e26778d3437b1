import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';

/**
 * The folder a test file sits in decides how it runs (vitest.config.ts): test/*.test.ts side by
 * side, test/gpu/ and test/spawn/ one file at a time. These checks keep the folders honest, so the
 * split cannot rot into a hand list that no longer says what the files do.
 */
const folders = { pure: 'test', gpu: 'test/gpu', spawn: 'test/spawn', browser: 'test/browser' } as const;

/** The test files directly in `dir`, or under it at any depth with `recursive`. */
function testFiles(dir: string, recursive = false): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const source = (file: string) => readFileSync(file, 'utf8');
const opensGpu = /\bopenGpu\(/;
// An import of child_process, of the helper that runs the built CLI, or of the Chromium driver.
const spawnsProcess = /from '(node:child_process|[./]+helpers\/spawn-cli\.js|[./]+fixtures\/chromium\.js)'/;

describe('test layout', () => {
  it('vitest.config.ts runs test/*.test.ts in parallel and test/gpu/, test/spawn/, test/browser/ one at a time', () => {
    const projects = (config.test?.projects ?? []).map((p) => (typeof p === 'object' && 'test' in p ? p.test : null));
    expect(projects.map((t) => [t?.name, t?.include, t?.fileParallelism])).toEqual([
      ['pure', [`${folders.pure}/*.test.ts`], true],
      ['device', [`${folders.gpu}/*.test.ts`, `${folders.spawn}/*.test.ts`], false],
      ['browser', [`${folders.browser}/*.test.ts`], false],
    ]);
  });

  it('every test file is in one of the four folders (a file elsewhere would never run)', () => {
    const dirs: readonly string[] = Object.values(folders);
    expect(testFiles('test', true).filter((f) => !dirs.includes(dirname(f)))).toEqual([]);
  });

  it.each(testFiles(folders.pure))('%s neither opens a GPU nor starts a process', (file) => {
    const text = source(file);
    expect(text, 'a GPU test belongs in test/gpu/').not.toMatch(opensGpu);
    expect(text, 'a test that starts a process belongs in test/spawn/').not.toMatch(spawnsProcess);
  });

  it.each(testFiles(folders.gpu))('%s opens the GPU (else it belongs in test/)', (file) => {
    expect(source(file)).toMatch(opensGpu);
  });

  it.each(testFiles(folders.spawn))('%s starts a process (else it belongs in test/ or test/gpu/)', (file) => {
    expect(source(file)).toMatch(spawnsProcess);
  });

  it.each(testFiles(folders.browser))('%s drives the page or its server (else it belongs elsewhere)', (file) => {
    expect(source(file)).toMatch(/from '[./]+helpers\/browser\.js'/);
  });
});
