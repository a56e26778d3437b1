import { describe, expect, it } from 'vitest';
import { SpecError } from '../src/errors.js';
import { parseWorkloadSpec } from '../src/workload/parse.js';
import { findWorkload } from './helpers/presets.js';

const base = { ...findWorkload('8b') } as Record<string, unknown>;
const without = (key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));

describe('workload spec validation', () => {
  it.each([
    ['wrong type', { ...base, layers: '32' }, '$.layers', /got "32"; must be an integer from 1 to 1000/],
    ['negative', { ...base, seqLen: -1 }, '$.seqLen', /got -1;/],
    ['fractional', { ...base, hidden: 4096.5 }, '$.hidden', /got 4096.5;/],
    ['missing field', without('recompute'), '$.recompute', /missing; is required/],
    ['absurd size', { ...base, params: 1e20 }, '$.params', /must be an integer from 1000 to 100,000,000,000,000/],
    ['heads not dividing hidden', { ...base, heads: 30 }, '$.heads', /must divide hidden \(4096\)/],
    ['kvHeads not dividing heads', { ...base, kvHeads: 5 }, '$.kvHeads', /must divide heads \(32\)/],
    ['unknown dtype', { ...base, dtype: 'fp8' }, '$.dtype', /must be one of: bf16, fp16, fp32/],
    [
      'tokens not a multiple of seqLen',
      { ...base, globalBatch: { tokens: 5000 } },
      '$.globalBatch.tokens',
      /must be a multiple of seqLen \(4096\); nearest: 4096/,
    ],
    ['two batch forms', { ...base, globalBatch: { sequences: 4, tokens: 4096 } }, '$.globalBatch', /exactly one of/],
    [
      'unknown batch form',
      { ...base, globalBatch: { seqs: 4 } },
      '$.globalBatch.seqs',
      /allowed keys: sequences, sequencesPerGpu, tokens/,
    ],
    [
      'params that disagree with the shapes',
      { ...base, params: 80_000_000_000 },
      '$.params',
      /imply 8,030,261,248 parameters/,
    ],
    ['unknown key', { ...base, hiddden: 1 }, '$.hiddden', /is not a known key/],
  ])('%s', (_label, json, path, message) => {
    let caught: unknown;
    try {
      parseWorkloadSpec(json, 'w.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect((caught as SpecError).field).toBe(`w.json: ${path}`);
    expect((caught as SpecError).message).toMatch(message);
  });

  it('converts a global batch in tokens to sequences', () => {
    expect(parseWorkloadSpec({ ...base, globalBatch: { tokens: 4096 * 1024 } }).globalBatch).toEqual({
      sequences: 1024,
    });
  });

  it('defaults kvHeads to heads (multi-head attention)', () => {
    expect(parseWorkloadSpec({ ...without('kvHeads'), params: 8_835_567_616 }).kvHeads).toBe(32);
  });
});
