import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../src/cluster/parse.js';
import { clusterPresets } from '../src/cluster/presets.js';
import { SpecError } from '../src/errors.js';
import { buildClusterModel } from '../src/model/cluster-model.js';
import { parseJsonText } from '../src/spec/read-json-file.js';
import { parseWorkloadSpec } from '../src/workload/parse.js';
import { workloadPresets } from '../src/workload/presets.js';
import { findCluster, findWorkload } from './helpers/presets.js';
import { seededRandom } from './helpers/rng.js';

type Json = unknown;
const ODD_VALUES: Json[] = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  1e12,
  1e308,
  -1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  null,
  true,
  false,
  '',
  'x',
  'h100',
  '8',
  [],
  {},
  [1, 2],
  { a: 1 },
  'h'.repeat(5000),
  2 ** 53 + 1,
  10_000_001,
];

/** Every path (list of keys) inside a JSON value, the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutate(root: Json, random: () => number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const all = paths(root).filter((p) => p.length > 0);
  if (all.length === 0) return pick(ODD_VALUES);
  const path = pick(all);
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const key = path.at(-1) as string | number;
  const current = parent[key];
  switch (Math.floor(random() * 7)) {
    case 0: // delete
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 1: // odd value
      parent[key] = pick(ODD_VALUES);
      break;
    case 2: // numeric perturbation
      parent[key] =
        typeof current === 'number'
          ? pick([-current, current + 1, current * 10 ** Math.floor(random() * 14), current / 3, current - 0.5])
          : pick(ODD_VALUES);
      break;
    case 3: // unknown key, added as an own property even for "__proto__"
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        Object.defineProperty(current, pick(['extra', '__proto__', 'cout', 'constructor']), {
          value: pick(ODD_VALUES),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else parent[key] = String(current);
      break;
    case 4: // duplicate an array element
      if (Array.isArray(current) && current.length > 0) current.push(structuredClone(current[0]));
      else parent[key] = [current];
      break;
    case 5: // change the type
      parent[key] =
        typeof current === 'number'
          ? String(current)
          : typeof current === 'string'
            ? current.length
            : { value: current };
      break;
    default: // swap in another preset's GPU or name
      parent[key] = pick(['gb200', 'mi300x', 'l40s', 'h100-SXM', 'b100', 'colossus-1', '70b']);
  }
  return root;
}

function mutateText(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  switch (Math.floor(random() * 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + '{[,":}]'.charAt(Math.floor(random() * 7)) + text.slice(at);
  }
}

/** Runs `f`; anything thrown must be the project's SpecError. */
function onlySpecErrors<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (err) {
    if (err instanceof SpecError) return undefined;
    throw err;
  }
}

const withGpus = {
  ...findCluster('lab-a100-h100'),
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
      sources: { tdpW: { url: 'https://example.org', note: 'n' } },
    },
  ],
};
const clusterSeeds: Json[] = [...clusterPresets, withGpus];
const MUTATIONS = 2000;

describe('spec parser fuzzing', () => {
  it(`cluster specs: ${MUTATIONS} random mutations of the presets throw nothing but SpecError`, () => {
    const random = seededRandom(20260401);
    let accepted = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      let json = structuredClone(clusterSeeds[i % clusterSeeds.length]);
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) json = mutate(json, random);
      if (i % 5 === 0)
        json = onlySpecErrors(() => parseJsonText(mutateText(JSON.stringify(json), random), 'fuzz.json'));
      const parsed = onlySpecErrors(() => parseClusterSpec(json, 'fuzz.json'));
      if (!parsed) continue;
      accepted++;
      const model = onlySpecErrors(() => buildClusterModel(parsed.cluster, findWorkload('8b'), { gpus: parsed.gpus }));
      if (model) for (const c of model.classes) expect(Number.isFinite(c.timeS(1))).toBe(true);
    }
    // the mutations must not all be rejected, or the fuzzing proves little about the happy path
    expect(accepted).toBeGreaterThan(MUTATIONS / 100);
  });

  it(`workload specs: ${MUTATIONS} random mutations of the presets throw nothing but SpecError`, () => {
    const random = seededRandom(7);
    let accepted = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      let json: Json = structuredClone(workloadPresets[i % workloadPresets.length]);
      const rounds = 1 + Math.floor(random() * 3);
      for (let r = 0; r < rounds; r++) json = mutate(json, random);
      if (i % 5 === 0)
        json = onlySpecErrors(() => parseJsonText(mutateText(JSON.stringify(json), random), 'fuzz.json'));
      const workload = onlySpecErrors(() => parseWorkloadSpec(json, 'fuzz.json'));
      if (!workload) continue;
      accepted++;
      const model = onlySpecErrors(() => buildClusterModel(findCluster('lab-v100-a100-h100'), workload));
      if (model) for (const c of model.classes) expect(c.timeS(2)).toBeGreaterThanOrEqual(c.timeS(1));
    }
    expect(accepted).toBeGreaterThan(MUTATIONS / 100);
  });
});
