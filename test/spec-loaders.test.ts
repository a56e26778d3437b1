import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCluster } from '../src/cluster/load.js';
import { SpecError } from '../src/errors.js';
import { loadWorkload } from '../src/workload/load.js';

const dir = mkdtempSync(join(tmpdir(), 'hetbench-spec-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loading specs by preset name or file', () => {
  it('finds presets by name, case-insensitively', () => {
    expect(loadCluster('COLOSSUS-1').cluster.name).toBe('colossus-1');
    expect(loadWorkload('70B').layers).toBe(80);
  });

  it('reads a cluster file and its GPU overrides', () => {
    const path = file(
      'c.json',
      JSON.stringify({
        name: 'mine',
        gpus: [{ id: 'h100-sxm', tdpW: 500 }],
        groups: [{ gpu: 'h100-sxm', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 }],
      }),
    );
    const { cluster, gpus } = loadCluster(path);
    expect(cluster.name).toBe('mine');
    expect(gpus.find((g) => g.id === 'h100-sxm')?.tdpW).toBe(500);
  });

  it('reads a workload file with a global batch in tokens', () => {
    const path = file(
      'w.json',
      JSON.stringify({
        name: 'mine',
        params: 1352,
        layers: 2,
        hidden: 8,
        ffnHidden: 16,
        heads: 2,
        kvHeads: 1,
        vocab: 10,
        seqLen: 4,
        globalBatch: { tokens: 64 },
        dtype: 'bf16',
        recompute: false,
      }),
    );
    expect(loadWorkload(path).globalBatch).toEqual({ sequences: 16 });
  });

  it.each([
    [
      'cluster',
      () => loadCluster(file('bad.json', '{"name": "x", "groups": [}')),
      /bad\.json: got .*is not valid JSON/,
    ],
    ['workload', () => loadWorkload(file('bad2.json', '')), /bad2\.json: got "";? ?is not valid JSON/],
    [
      'cluster',
      () => loadCluster('colossus-2'),
      /colossus-2: got "colossus-2"; is neither a cluster preset \(colossus-1, .*\) nor a readable JSON file \(ENOENT\)/,
    ],
    [
      'workload',
      () => loadWorkload(dir),
      /is neither a workload preset \(8b, 70b, 405b, llama3-8b, llama3-70b, llama3-405b, gpt3-175b, megatron-1t\) nor a readable JSON file \(EISDIR\)/,
    ],
    [
      'cluster',
      () =>
        loadCluster(
          file(
            'neg.json',
            '{"name": "x", "groups": [{"gpu": "h100-sxm", "count": -1, "scaleUpDomain": 8, "scaleOutGBs": 50}]}',
          ),
        ),
      /neg\.json: \$\.groups\[0\]\.count: got -1; must be an integer from 1 to 10,000,000/,
    ],
  ])('%s: a bad name or file is a SpecError naming it', (_kind, run, message) => {
    expect(run).toThrow(SpecError);
    expect(run).toThrow(message);
  });
});
