import { catalog } from '../hardware/catalog.js';
import type { GpuSpec, Source } from '../hardware/types.js';
import { specError } from '../spec/validate.js';

type SourcedField = keyof GpuSpec['sources'];
const SOURCED_FIELDS: readonly SourcedField[] = [
  'bf16DenseTflops',
  'fp32Tflops',
  'memoryGB',
  'memoryBandwidthTBs',
  'scaleUpGBs',
  'tdpW',
];

/**
 * One entry of a cluster spec's `gpus`, as the schema ($defs/gpu) admits it: a catalog id with
 * only the fields it overrides, or a new id with name and every number.
 */
export type GpuEntry = { readonly id: string } & Partial<Omit<GpuSpec, 'id' | 'sources'>> & {
    readonly sources?: Partial<GpuSpec['sources']>;
  };

/**
 * The `gpus` of a cluster spec, already checked by the schema, as GpuSpecs. An entry whose id
 * is in the catalog overrides just the fields it gives (e.g. an H100 capped at 500 W); a new
 * id gives every number (the schema's if/then). Numbers a user gives are sourced to the spec
 * file unless the entry names its own sources. An id given twice is a SpecError.
 */
export function resolveSpecGpus(entries: readonly GpuEntry[], source: string | undefined, specName: string): GpuSpec[] {
  const result: GpuSpec[] = [];
  entries.forEach((o, i) => {
    if (result.some((g) => g.id === o.id))
      throw specError(source, `$.gpus[${i}].id`, o.id, `appears twice in $.gpus; give each GPU id once.`);
    const base = catalog.find((g) => g.id === o.id);
    const userSource: Source = { url: `cluster spec ${specName}`, note: 'user-provided' };
    const givenSources = o.sources ?? {};
    const sources = {} as Record<SourcedField, Source>;
    for (const field of SOURCED_FIELDS) {
      const given = givenSources[field];
      sources[field] =
        given !== undefined
          ? given.note === undefined
            ? { url: given.url }
            : { url: given.url, note: given.note }
          : o[field] !== undefined || !base
            ? userSource
            : base.sources[field];
    }
    // The schema guarantees every number for a new id, so the fallback is reached only with a base.
    const pick = <T>(given: T | undefined, fallback: T | undefined): T =>
      given !== undefined ? given : (fallback as T);
    result.push({
      id: o.id,
      name: o.name ?? base?.name ?? o.id,
      vendor: o.vendor ?? base?.vendor ?? 'other',
      bf16DenseTflops: pick(o.bf16DenseTflops, base?.bf16DenseTflops),
      fp32Tflops: pick(o.fp32Tflops, base?.fp32Tflops),
      memoryGB: pick(o.memoryGB, base?.memoryGB),
      memoryBandwidthTBs: pick(o.memoryBandwidthTBs, base?.memoryBandwidthTBs),
      scaleUpGBs: pick(o.scaleUpGBs, base?.scaleUpGBs),
      tdpW: pick(o.tdpW, base?.tdpW),
      sources,
    });
  });
  return result;
}

/** The catalog with a spec's GPUs merged in: overrides replace, new ids are appended. */
export function mergeGpus(specGpus: readonly GpuSpec[]): GpuSpec[] {
  const merged = catalog.map((g) => specGpus.find((s) => s.id === g.id) ?? g);
  return [...merged, ...specGpus.filter((s) => !catalog.some((g) => g.id === s.id))];
}
