import { catalog } from '../hardware/catalog.js';
import type { GpuSpec, Source } from '../hardware/types.js';
import type { JsonReader } from '../spec/json-reader.js';

type SourcedField = keyof GpuSpec['sources'];
const SOURCED_FIELDS: readonly SourcedField[] = [
  'bf16DenseTflops',
  'fp32Tflops',
  'memoryGB',
  'memoryBandwidthTBs',
  'scaleUpGBs',
  'tdpW',
];
const VENDORS = ['nvidia', 'amd', 'intel', 'other'] as const;
const KEYS = ['id', 'name', 'vendor', ...SOURCED_FIELDS, 'sources'] as const;
/** Generous bounds: ten times beyond any GPU that exists, to catch unit mistakes. */
const LIMITS: Record<Exclude<SourcedField, 'scaleUpGBs'>, number> & { scaleUpGBs: number } = {
  bf16DenseTflops: 100_000,
  fp32Tflops: 10_000,
  memoryGB: 10_000,
  memoryBandwidthTBs: 1_000,
  scaleUpGBs: 100_000,
  tdpW: 100_000,
};
export const MAX_SPEC_GPUS = 64;

/**
 * The `gpus` array of a cluster spec. An entry whose id is in the catalog overrides just the
 * fields it gives (e.g. an H100 capped at 500 W); a new id must give every number. Numbers a
 * user gives are sourced to the spec file unless the entry names its own sources.
 */
export function parseSpecGpus(r: JsonReader, value: unknown, specName: string): GpuSpec[] {
  const entries = r.array('$.gpus', value, 0, MAX_SPEC_GPUS);
  const result: GpuSpec[] = [];
  entries.forEach((entry, i) => {
    const path = `$.gpus[${i}]`;
    const idOnly = r.object(
      path,
      entry,
      ['id'],
      KEYS.filter((k) => k !== 'id'),
    );
    const id = r.id(`${path}.id`, idOnly['id']);
    if (result.some((g) => g.id === id)) r.fail(`${path}.id`, id, `appears twice in $.gpus; give each GPU id once.`);
    const base = catalog.find((g) => g.id === id);
    const required = base ? ['id'] : ['id', 'name', ...SOURCED_FIELDS];
    const o = r.object(
      path,
      entry,
      required,
      KEYS.filter((k) => !required.includes(k)),
    );
    const userSource: Source = { url: `cluster spec ${specName}`, note: 'user-provided' };
    const num = (field: Exclude<SourcedField, 'scaleUpGBs'>): number | undefined =>
      o[field] === undefined ? undefined : r.number(`${path}.${field}`, o[field], 0, LIMITS[field], true);
    const scaleUp =
      o['scaleUpGBs'] === undefined
        ? undefined
        : o['scaleUpGBs'] === null
          ? null
          : r.number(`${path}.scaleUpGBs`, o['scaleUpGBs'], 0, LIMITS.scaleUpGBs, true);
    const givenSources = o['sources'] === undefined ? {} : parseSources(r, `${path}.sources`, o['sources']);
    const sources = {} as Record<SourcedField, Source>;
    for (const field of SOURCED_FIELDS) {
      sources[field] = givenSources[field] ?? (o[field] !== undefined || !base ? userSource : base.sources[field]);
    }
    const pick = <T>(given: T | undefined, fallback: T | undefined): T =>
      given !== undefined ? given : (fallback as T);
    result.push({
      id,
      name: o['name'] === undefined ? (base?.name ?? id) : r.string(`${path}.name`, o['name'], 100),
      vendor: o['vendor'] === undefined ? (base?.vendor ?? 'other') : r.choice(`${path}.vendor`, o['vendor'], VENDORS),
      bf16DenseTflops: pick(num('bf16DenseTflops'), base?.bf16DenseTflops),
      fp32Tflops: pick(num('fp32Tflops'), base?.fp32Tflops),
      memoryGB: pick(num('memoryGB'), base?.memoryGB),
      memoryBandwidthTBs: pick(num('memoryBandwidthTBs'), base?.memoryBandwidthTBs),
      scaleUpGBs: pick(scaleUp, base?.scaleUpGBs),
      tdpW: pick(num('tdpW'), base?.tdpW),
      sources,
    });
  });
  return result;
}

function parseSources(r: JsonReader, path: string, value: unknown): Partial<Record<SourcedField, Source>> {
  const o = r.object(path, value, [], SOURCED_FIELDS);
  const out: Partial<Record<SourcedField, Source>> = {};
  for (const field of SOURCED_FIELDS) {
    if (o[field] === undefined) continue;
    const s = r.object(`${path}.${field}`, o[field], ['url'], ['note']);
    const url = r.string(`${path}.${field}.url`, s['url'], 500);
    out[field] = s['note'] === undefined ? { url } : { url, note: r.string(`${path}.${field}.note`, s['note'], 500) };
  }
  return out;
}

/** The catalog with a spec's GPUs merged in: overrides replace, new ids are appended. */
export function mergeGpus(specGpus: readonly GpuSpec[]): GpuSpec[] {
  const merged = catalog.map((g) => specGpus.find((s) => s.id === g.id) ?? g);
  return [...merged, ...specGpus.filter((s) => !catalog.some((g) => g.id === s.id))];
}
