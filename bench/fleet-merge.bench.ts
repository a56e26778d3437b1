import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable } from '../src/report/table.js';
import { generateNodeFiles } from './fleet-generate.js';

/**
 * How `fleet merge` scales (docs/fleet.md): generates `--nodes` node files in racks of
 * `--rack` (bench/fleet-generate.ts), then times, with /usr/bin/time -v for wall time and peak
 * memory (maximum resident set size) of the built CLI:
 *  - one merge of every node file (the racks' folders as arguments);
 *  - per-rack merges, then one merge of the rack fleet files (merge the merges).
 * Run: npm run build && node dist/bench/fleet-merge.bench.js [--nodes 100000] [--rack 1000] [--keep DIR]
 */
export interface MergeMeasurement {
  readonly name: string;
  readonly files: number;
  readonly wallS: number;
  readonly peakMiB: number;
}

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');

function timedMerge(name: string, args: readonly string[], files: number): MergeMeasurement {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, 'fleet', 'merge', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`fleet merge failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const field = (label: string): string => new RegExp(`${label}: (.*)`).exec(r.stderr)?.[1]?.trim() ?? '';
  const [m, s] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').slice(-2);
  return {
    name,
    files,
    wallS: Number(m) * 60 + Number(s),
    peakMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
  };
}

export function runFleetMergeBench(nodes: number, rack: number, keep?: string): MergeMeasurement[] {
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'hetbench-fleet-bench-'));
  const racks = Math.ceil(nodes / rack);
  const rackDir = (r: number) => join(dir, `rack-${String(r).padStart(4, '0')}`);
  if (!existsSync(rackDir(racks - 1)))
    for (let r = 0; r < racks; r++) generateNodeFiles(rackDir(r), Math.min(rack, nodes - r * rack), r * rack);
  const rackDirs = Array.from({ length: racks }, (_, r) => rackDir(r));
  const bytes = readdirSync(rackDirs[0] as string).reduce(
    (a, f) => a + statSync(join(rackDirs[0] as string, f)).size,
    0,
  );
  process.stderr.write(
    `fleet-merge bench: ${nodes} node files (${(bytes / rack / 1024).toFixed(1)} KiB each) in ${dir}\n`,
  );
  const out: MergeMeasurement[] = [];
  out.push(timedMerge('one merge of every node file', [...rackDirs, '--out', join(dir, 'fleet.json')], nodes));
  const rackFiles: string[] = [];
  let rackWall = 0;
  let rackPeak = 0;
  for (const [r, d] of rackDirs.entries()) {
    const file = join(dir, `rack-${r}.fleet.json`);
    const m = timedMerge(`rack ${r}`, [d, '--out', file], rack);
    rackWall += m.wallS;
    rackPeak = Math.max(rackPeak, m.peakMiB);
    rackFiles.push(file);
  }
  out.push({ name: `${racks} rack merges (sum; each alone)`, files: nodes, wallS: rackWall, peakMiB: rackPeak });
  out.push(timedMerge('merge of the rack merges', [...rackFiles, '--out', join(dir, 'fleet-of-racks.json')], racks));
  if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '100000' },
      rack: { type: 'string', default: '1000' },
      keep: { type: 'string' },
    },
  });
  const rows = runFleetMergeBench(Number(values.nodes), Number(values.rack), values.keep);
  process.stdout.write(
    `${formatTable(
      ['merge', 'files', 'wall s', 'peak MiB'],
      rows.map((r) => [r.name, r.files.toLocaleString('en-US'), r.wallS.toFixed(1), r.peakMiB.toFixed(0)]),
    )}\n(${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, node ${process.version})\n`,
  );
}
