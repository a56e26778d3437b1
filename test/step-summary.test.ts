import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEP_SUMMARY_LIMIT, writeStepSummary } from '../src/report/step-summary.js';
import { writeJsonFiles } from './fixtures/cli.js';

describe('writeStepSummary', () => {
  it('does nothing when GITHUB_STEP_SUMMARY is unset', () => {
    expect(writeStepSummary('# x', {})).toBeNull();
  });

  it('appends, keeping what earlier steps wrote', () => {
    const { dir } = writeJsonFiles({});
    const path = join(dir, 'summary.md');
    writeFileSync(path, 'earlier step\n');
    writeStepSummary('## hetbench\n| a | b |', { GITHUB_STEP_SUMMARY: path });
    expect(readFileSync(path, 'utf8')).toBe('earlier step\n## hetbench\n| a | b |\n');
  });

  it.each([
    { existing: 0, size: 3 * STEP_SUMMARY_LIMIT },
    { existing: STEP_SUMMARY_LIMIT / 2, size: STEP_SUMMARY_LIMIT },
  ])('keeps the file under 1 MiB (existing $existing B, appending $size B) and says it cut', ({ existing, size }) => {
    const { dir } = writeJsonFiles({});
    const path = join(dir, 'summary.md');
    writeFileSync(path, 'x'.repeat(existing));
    const row = '| run.lockstep.stepTime | 1.05 s | 1.16 s | +10.3% | 1.09 – 1.12 | <0.001 | regression — ü |\n';
    writeStepSummary(row.repeat(Math.ceil(size / Buffer.byteLength(row))), { GITHUB_STEP_SUMMARY: path });
    expect(statSync(path).size).toBeLessThan(STEP_SUMMARY_LIMIT);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/truncated/);
    // Cut at a line end: no half table row, no broken UTF-8.
    expect(
      text
        .slice(existing)
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .every((l) => l.endsWith('|')),
    ).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });
});
