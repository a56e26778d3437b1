import workloadSchema from '../../schemas/workload.schema.json' with { type: 'json' };
import { specError, validate } from '../spec/validate.js';
import { PARAMS_TOLERANCE, paramsFromShape } from './shape.js';
import type { WorkloadSpec } from './types.js';

/** Upper bounds that no real model reaches; anything above is a typo or an overflow. The schema is their source. */
const fields = workloadSchema.properties;
const batch = fields.globalBatch.properties;
export const WORKLOAD_LIMITS = {
  params: fields.params.maximum,
  layers: fields.layers.maximum,
  hidden: fields.hidden.maximum,
  ffnHidden: fields.ffnHidden.maximum,
  heads: fields.heads.maximum,
  vocab: fields.vocab.maximum,
  seqLen: fields.seqLen.maximum,
  sequences: batch.sequences.maximum,
  sequencesPerGpu: batch.sequencesPerGpu.maximum,
  tokens: batch.tokens.maximum,
} as const;

/** A workload spec file as schemas/workload.schema.json admits it: kvHeads optional, the batch also in tokens. */
export interface WorkloadSpecFile extends Omit<WorkloadSpec, 'kvHeads' | 'globalBatch'> {
  readonly $schema?: string;
  readonly kvHeads?: number;
  readonly globalBatch: WorkloadSpec['globalBatch'] | { readonly tokens: number };
}

/**
 * Validates a workload spec (parsed JSON) and returns it as a WorkloadSpec: the schema first
 * (structure, types, ranges), then the cross-field rules. Throws only SpecError, naming the
 * JSON path, the value and what is allowed. `kvHeads` defaults to `heads` (multi-head
 * attention); a global batch in tokens becomes sequences and must divide.
 */
export function parseWorkloadSpec(json: unknown, source?: string): WorkloadSpec {
  const file = validate<WorkloadSpecFile>('workload', json, source === undefined ? {} : { source });
  const { name, params, layers, hidden, ffnHidden, heads, vocab, seqLen, dtype, recompute } = file;
  if (hidden % heads !== 0)
    throw specError(source, '$.heads', heads, `must divide hidden (${hidden}) so that every head has the same width.`);
  const kvHeads = file.kvHeads ?? heads;
  if (heads % kvHeads !== 0)
    throw specError(source, '$.kvHeads', kvHeads, `must divide heads (${heads}) for grouped-query attention.`);
  const globalBatch = sequencesOf(file.globalBatch, seqLen, source);
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
    ...(file.mlp === undefined ? {} : { mlp: file.mlp }),
  };
  const implied = paramsFromShape(spec);
  if (Math.abs(params - implied) > PARAMS_TOLERANCE * implied) {
    throw specError(
      source,
      '$.params',
      params,
      `disagrees with the shapes, which imply ${Math.round(implied).toLocaleString('en-US')} parameters ` +
        `(layers, hidden, ffnHidden, heads, kvHeads, vocab); allowed difference ${PARAMS_TOLERANCE * 100}%.`,
    );
  }
  return spec;
}

/** The batch in sequences (per step or per GPU); tokens must be a whole number of sequences. */
function sequencesOf(
  batch: WorkloadSpecFile['globalBatch'],
  seqLen: number,
  source: string | undefined,
): WorkloadSpec['globalBatch'] {
  if ('sequences' in batch) return { sequences: batch.sequences };
  if ('sequencesPerGpu' in batch) return { sequencesPerGpu: batch.sequencesPerGpu };
  const { tokens } = batch;
  if (tokens % seqLen !== 0)
    throw specError(
      source,
      '$.globalBatch.tokens',
      tokens,
      `must be a multiple of seqLen (${seqLen}); nearest: ${Math.max(1, Math.round(tokens / seqLen)) * seqLen}.`,
    );
  return { sequences: tokens / seqLen };
}
