import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../src/cluster/parse.js';
import { SpecError } from '../src/errors.js';
import { parseJsonText } from '../src/spec/read-json-file.js';

const group = { gpu: 'h100-sxm', count: 8, scaleUpDomain: 8, scaleOutGBs: 50 };
const spec = (groups: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: 'lab', groups, ...extra });

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error('expected a SpecError');
}

describe('cluster spec validation', () => {
  it.each([
    [
      'wrong type',
      spec([{ ...group, count: '8' }]),
      '$.groups[0].count',
      /got "8"; must be an integer from 1 to 10,000,000/,
    ],
    [
      'negative count',
      spec([{ ...group, count: -4 }]),
      '$.groups[0].count',
      /got -4; must be an integer from 1 to 10,000,000/,
    ],
    ['fractional count', spec([{ ...group, count: 2.5 }]), '$.groups[0].count', /got 2.5;/],
    [
      'absurd count',
      spec([{ ...group, count: 1e12 }]),
      '$.groups[0].count',
      /got 1000000000000; must be an integer from 1 to 10,000,000/,
    ],
    [
      'total over the cap',
      spec([
        { ...group, count: 6e6 },
        { ...group, gpu: 'h200-sxm', count: 6e6 },
      ]),
      '$.groups[1].count',
      /at most 10,000,000 in all/,
    ],
    [
      'unknown GPU',
      spec([{ ...group, gpu: 'h100' }]),
      '$.groups[0].gpu',
      /got "h100"; is not a known GPU; nearest: h100-sxm/,
    ],
    [
      'missing field',
      spec([{ gpu: 'h100-sxm', count: 8, scaleOutGBs: 50 }]),
      '$.groups[0].scaleUpDomain',
      /missing; is required/,
    ],
    ['duplicate group', spec([group, { ...group, count: 16 }]), '$.groups[1].gpu', /duplicates \$\.groups\[0\]/],
    [
      'unknown key',
      spec([{ ...group, cout: 3 }]),
      '$.groups[0].cout',
      /allowed keys: gpu, count, scaleUpDomain, scaleOutGBs/,
    ],
    ['empty groups', spec([]), '$.groups', /from 1 to 64 entries/],
    [
      'zero scale-out',
      spec([{ ...group, scaleOutGBs: 0 }]),
      '$.groups[0].scaleOutGBs',
      /got 0; must be a number from 0\.1 to 10,000/,
    ],
    ['not an object', [group], '$', /must be a JSON object/],
    ['missing name', { groups: [group] }, '$.name', /is required/],
    [
      'new GPU without numbers',
      spec([{ ...group, gpu: 'x1' }], { gpus: [{ id: 'x1', name: 'X1' }] }),
      '$.gpus[0].bf16DenseTflops',
      /is required/,
    ],
    [
      'GPU override with a bad number',
      spec([group], { gpus: [{ id: 'h100-sxm', tdpW: -1 }] }),
      '$.gpus[0].tdpW',
      /got -1; must be a number from 10 to 100,000/,
    ],
    [
      'GPU listed twice',
      spec([group], { gpus: [{ id: 'h100-sxm' }, { id: 'h100-sxm' }] }),
      '$.gpus[1].id',
      /appears twice/,
    ],
  ])('%s: the message names the path, the value and what is allowed', (_label, json, path, message) => {
    const err = specError(() => parseClusterSpec(json, 'lab.json'));
    expect(err.field).toBe(`lab.json: ${path}`);
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });

  it('reports malformed JSON as a SpecError naming the source', () => {
    const err = specError(() => parseJsonText('{"name": "lab", "groups": [', 'lab.json'));
    expect(err.field).toBe('lab.json');
    expect(err.message).toMatch(/is not valid JSON/);
  });

  it('adds a new GPU and overrides a catalog one', () => {
    const { cluster, gpus } = parseClusterSpec(
      spec([group, { ...group, gpu: 'x1', count: 4 }], {
        gpus: [
          { id: 'h100-sxm', tdpW: 500 },
          {
            id: 'x1',
            name: 'X1',
            bf16DenseTflops: 100,
            fp32Tflops: 10,
            memoryGB: 40,
            memoryBandwidthTBs: 1,
            scaleUpGBs: null,
            tdpW: 300,
          },
        ],
      }),
      'lab.json',
    );
    expect(cluster.groups.map((g) => g.gpu)).toEqual(['h100-sxm', 'x1']);
    const h100 = gpus.find((g) => g.id === 'h100-sxm');
    expect([h100?.tdpW, h100?.bf16DenseTflops, h100?.sources.tdpW.url, h100?.sources.memoryGB.url]).toEqual([
      500,
      989.4,
      'cluster spec lab.json',
      expect.stringMatching(/^https:/),
    ]);
    expect(gpus.find((g) => g.id === 'x1')?.vendor).toBe('other');
  });
});
