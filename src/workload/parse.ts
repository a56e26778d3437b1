import { JsonReader } from '../spec/json-reader.js';
import { PARAMS_TOLERANCE, paramsFromShape } from './shape.js';
import type { WorkloadSpec } from './types.js';

/** Upper bounds that no real model reaches; anything above is a typo or an overflow. */
export const WORKLOAD_LIMITS = {
  params: 1e14,
  layers: 1000,
  hidden: 1_000_000,
  ffnHidden: 10_000_000,
  heads: 10_000,
  vocab: 10_000_000,
  seqLen: 10_000_000,
  sequences: 1e12,
  sequencesPerGpu: 1_000_000,
  tokens: 1e15,
} as const;

const REQUIRED = [
  'name',
  'params',
  'layers',
  'hidden',
  'ffnHidden',
  'heads',
  'vocab',
  'seqLen',
  'globalBatch',
  'dtype',
  'recompute',
] as const;
const OPTIONAL = ['$schema', 'kvHeads'] as const;

/**
 * Validates a workload spec (parsed JSON) and returns it as a WorkloadSpec. Throws only
 * SpecError, naming the JSON path, the value and what is allowed. `kvHeads` defaults to
 * `heads` (multi-head attention); a global batch in tokens becomes sequences and must divide.
 */
export function parseWorkloadSpec(json: unknown, source?: string): WorkloadSpec {
  const r = new JsonReader(source);
  const o = r.object('$', json, REQUIRED, OPTIONAL);
  if (o['$schema'] !== undefined) r.string('$.$schema', o['$schema'], 500);
  const L = WORKLOAD_LIMITS;
  const name = r.string('$.name', o['name'], 100);
  const params = r.integer('$.params', o['params'], 1000, L.params);
  const layers = r.integer('$.layers', o['layers'], 1, L.layers);
  const hidden = r.integer('$.hidden', o['hidden'], 1, L.hidden);
  const ffnHidden = r.integer('$.ffnHidden', o['ffnHidden'], 1, L.ffnHidden);
  const heads = r.integer('$.heads', o['heads'], 1, L.heads);
  if (hidden % heads !== 0)
    r.fail('$.heads', heads, `must divide hidden (${hidden}) so that every head has the same width.`);
  const kvHeads = o['kvHeads'] === undefined ? heads : r.integer('$.kvHeads', o['kvHeads'], 1, heads);
  if (heads % kvHeads !== 0) r.fail('$.kvHeads', kvHeads, `must divide heads (${heads}) for grouped-query attention.`);
  const vocab = r.integer('$.vocab', o['vocab'], 1, L.vocab);
  const seqLen = r.integer('$.seqLen', o['seqLen'], 1, L.seqLen);
  const dtype = r.choice('$.dtype', o['dtype'], ['bf16', 'fp16', 'fp32'] as const);
  const recompute = r.boolean('$.recompute', o['recompute']);
  const globalBatch = parseGlobalBatch(r, o['globalBatch'], seqLen);
  const spec: WorkloadSpec = {
    name,
    params,
    layers,
    hidden,
    ffnHidden,
    heads,
    kvHeads,
    vocab,
    seqLen,
    globalBatch,
    dtype,
    recompute,
  };
  const implied = paramsFromShape(spec);
  if (Math.abs(params - implied) > PARAMS_TOLERANCE * implied) {
    r.fail(
      '$.params',
      params,
      `disagrees with the shapes, which imply ${Math.round(implied).toLocaleString('en-US')} parameters (layers, hidden, ffnHidden, heads, kvHeads, vocab); allowed difference ${PARAMS_TOLERANCE * 100}%.`,
    );
  }
  return spec;
}

function parseGlobalBatch(r: JsonReader, value: unknown, seqLen: number): WorkloadSpec['globalBatch'] {
  const path = '$.globalBatch';
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 1) {
    r.fail(
      path,
      value,
      'must be an object with exactly one of: {"sequences": N}, {"sequencesPerGpu": N}, {"tokens": N}.',
    );
  }
  const o = r.object(path, value, [], ['sequences', 'sequencesPerGpu', 'tokens']);
  const L = WORKLOAD_LIMITS;
  if (o['sequences'] !== undefined)
    return { sequences: r.integer(`${path}.sequences`, o['sequences'], 1, L.sequences) };
  if (o['sequencesPerGpu'] !== undefined)
    return { sequencesPerGpu: r.integer(`${path}.sequencesPerGpu`, o['sequencesPerGpu'], 1, L.sequencesPerGpu) };
  const tokens = r.integer(`${path}.tokens`, o['tokens'], 1, L.tokens);
  if (tokens % seqLen !== 0)
    r.fail(
      `${path}.tokens`,
      tokens,
      `must be a multiple of seqLen (${seqLen}); nearest: ${Math.max(1, Math.round(tokens / seqLen)) * seqLen}.`,
    );
  return { sequences: tokens / seqLen };
}
