import { percent, sig } from './format.js';
import type { BenchReport } from './schema.js';
import type { Table } from './table.js';

/** A bench report's kernels, one row each: the same table in Markdown and HTML. */
export function kernelTable(r: BenchReport): Table {
  return {
    header: ['kernel', 'shape', 'dtype', 'GFLOP/s', 'of peak'],
    rows: r.kernels.map((k) => [
      k.kernel,
      `${k.m}×${k.n}×${k.k}`,
      k.dtype,
      sig(k.gflops),
      k.fractionOfPeak === null ? '—' : percent(k.fractionOfPeak),
    ]),
  };
}
