import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { allCandidateConfigs } from '../src/kernels/candidates.js';
import { copyProbeWgsl, fmaProbeWgsl } from '../src/kernels/probe.js';
import { configName, generateTiledWgsl, parseConfigName } from '../src/kernels/tiled.js';

// The generated WGSL is part of the tuning cache's identity and of every measured figure: a
// refactor of the generator must leave it byte-identical. No GPU needed: this checks text.
// Shapes: aligned (vec4 path), odd n/k (scalar path), k shorter than any k step, and a
// unit-GEMM-like shape. Configs: every candidate plus the layouts the GPU tests add.
const shapes = [
  { m: 1, n: 1, k: 1 },
  { m: 7, n: 13, k: 29 },
  { m: 129, n: 67, k: 131 },
  { m: 33, n: 68, k: 20 },
  { m: 1024, n: 1024, k: 1024 },
  { m: 448, n: 64, k: 256 },
] as const;
const extras = ['f32-w4x16-r8x4-v4-k2-sg', 'f32-w4x4-r3x12-v4-k2-sgb', 'f32-w8x1-r1x8-v1-k3-sgb'];

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

it('every candidate config generates the same WGSL at every edge shape', () => {
  const configs = [
    ...allCandidateConfigs('f32'),
    ...allCandidateConfigs('f16'),
    ...extras.map((n) => parseConfigName(n)).filter((c) => c !== null),
  ];
  expect(configs.length).toBeGreaterThan(20);
  const hashes: Record<string, string> = {};
  for (const c of configs) {
    for (const s of shapes) {
      hashes[`${configName(c)} ${s.m}x${s.n}x${s.k}`] = sha(generateTiledWgsl(c, s));
      if (c.subgroups)
        hashes[`${configName(c)} ${s.m}x${s.n}x${s.k} plain`] = sha(generateTiledWgsl(c, s, 'plain-fallback'));
    }
  }
  expect(hashes).toMatchSnapshot();
});

it('the probe kernels are unchanged', () => {
  expect({
    f32: sha(fmaProbeWgsl('f32')),
    f16: sha(fmaProbeWgsl('f16')),
    copy: sha(copyProbeWgsl()),
  }).toMatchSnapshot();
});

it('one kernel in full, for a reader', () => {
  const c = parseConfigName('f32-w8x8-r4x28-v4-k4-sgb');
  expect(c).not.toBeNull();
  if (c) expect(generateTiledWgsl(c, { m: 33, n: 68, k: 20 })).toMatchSnapshot();
});
