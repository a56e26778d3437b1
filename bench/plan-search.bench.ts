import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatTable } from '../src/report/table.js';

/**
 * The planner's speed as a user meets it: `hetbench plan --search` on colossus-1 x llama3-405b
 * (220,000 GPUs, three generations) as a whole process, node start-up and module loading
 * included, at the workload's global batch (2,048 sequences) and at 16,384. Issue 15's target:
 * under 10 s on the 2-core box. Each sample is a fresh process (nothing memoised across).
 */
export const PLAN_SEARCH_TARGET_MS = 10_000;

export interface PlanSearchBenchResult {
  readonly name: string;
  readonly globalBatch: number;
  readonly ms: readonly number[];
  readonly medianMs: number;
  /** Layouts the search considered (from its JSON): the same every run (deterministic). */
  readonly candidates: number;
}

const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function runPlanSearchBench(samples = 3): PlanSearchBenchResult[] {
  return [2048, 16_384].map((globalBatch) => {
    const ms: number[] = [];
    let candidates = 0;
    for (let i = 0; i < samples; i++) {
      const args = ['plan', '--cluster', 'colossus-1', '--workload', 'llama3-405b', '--search', '--json'];
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [main, ...args, '--global-batch', String(globalBatch)], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      ms.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`plan --search exited ${r.status}: ${r.stderr}`);
      const out = JSON.parse(r.stdout) as { search: { candidates: number }; plans: unknown[] };
      if (out.plans.length === 0) throw new Error('plan --search bench: no plan');
      candidates = out.search.candidates;
    }
    return {
      name: `plan --search colossus-1 llama3-405b B${globalBatch}`,
      globalBatch,
      ms,
      medianMs: median(ms),
      candidates,
    };
  });
}

export function planSearchBenchTable(rows: readonly PlanSearchBenchResult[]): string {
  return formatTable(
    ['plan --search (whole process)', 'layouts considered', `median s of ${rows[0]?.ms.length ?? 0}`, 'target'],
    rows.map((r) => [
      r.name,
      r.candidates.toLocaleString('en-US'),
      (r.medianMs / 1000).toFixed(2),
      r.medianMs < PLAN_SEARCH_TARGET_MS
        ? `yes (< ${PLAN_SEARCH_TARGET_MS / 1000} s)`
        : `NO (>= ${PLAN_SEARCH_TARGET_MS / 1000} s)`,
    ]),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${planSearchBenchTable(runPlanSearchBench())}\n`);
}
