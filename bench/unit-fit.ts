import { kernelChooser } from '../src/bench/kernel-choice.js';
import { localHiddenTarget, localUnit } from '../src/bench/local-unit.js';
import { UnitExecutor } from '../src/bench/unit-executor.js';
import { closeGpu, openGpu } from '../src/gpu/open.js';
import { timePasses } from '../src/gpu/timer.js';
import { median } from '../src/stats/quantiles.js';
import { loadWorkload } from '../src/workload/load.js';

/**
 * `node dist/bench/unit-fit.js [REPS]`: how local GPU time grows with a pass's unit count on
 * this adapter (docs/measured.md, section 2). Times passes of 1 to 64 units, interleaved in a
 * rotating order, and prints each count's median, the affine least-squares fit t = a + b u and
 * the residuals of both the affine and the proportional (t = b u) models.
 */
const reps = Number(process.argv[2] ?? 7);
const counts = [1, 2, 4, 8, 13, 20, 32, 48, 64];
const gpu = await openGpu();
const executor = await UnitExecutor.create(
  gpu,
  localUnit(loadWorkload('70b'), localHiddenTarget(gpu.info.isFallbackAdapter)),
  kernelChooser(),
);
await timePasses(gpu, [executor.work(8), executor.work(8)]);
const times = new Map<number, number[]>(counts.map((u) => [u, []]));
for (let r = 0; r < reps; r++) {
  const order = counts.map((_, i) => counts[(i + r) % counts.length] ?? 1);
  const t = await timePasses(
    gpu,
    order.map((u) => executor.work(u)),
  );
  order.forEach((u, i) => {
    times.get(u)?.push(t.seconds[i] ?? Number.NaN);
  });
}
const med = counts.map((u) => median((times.get(u) ?? []).filter(Number.isFinite)));
const n = counts.length;
const mu = counts.reduce((s, u) => s + u, 0) / n;
const mt = med.reduce((s, t) => s + t, 0) / n;
let sxy = 0;
let sxx = 0;
for (let i = 0; i < n; i++) {
  sxy += ((counts[i] ?? 0) - mu) * ((med[i] ?? 0) - mt);
  sxx += ((counts[i] ?? 0) - mu) ** 2;
}
const b = sxy / sxx;
const a = mt - b * mu;
const bProp = counts.reduce((s, u, i) => s + u * (med[i] ?? 0), 0) / counts.reduce((s, u) => s + u * u, 0);
console.log(`adapter: ${gpu.info.device} ${gpu.info.architecture}; reps ${reps}`);
console.log(`affine fit: a = ${(a * 1e3).toFixed(3)} ms, b = ${(b * 1e3).toFixed(3)} ms/unit`);
console.log('units  median ms  spread  affine resid  proportional resid');
counts.forEach((u, i) => {
  const t = med[i] ?? 0;
  const ts = (times.get(u) ?? []).filter(Number.isFinite);
  const spread = Math.max(...ts) / Math.min(...ts) - 1;
  console.log(
    `${String(u).padStart(5)}  ${(t * 1e3).toFixed(3).padStart(9)}  ${(spread * 100).toFixed(0).padStart(5)}%  ` +
      `${(((t - (a + b * u)) / t) * 100).toFixed(1).padStart(11)}%  ${(((t - bProp * u) / t) * 100).toFixed(1).padStart(17)}%`,
  );
});
executor.destroy();
closeGpu(gpu);
