import { adapterLabel } from './adapter.js';
import { convergenceChart } from './charts/convergence.js';
import { decompositionChart } from './charts/decomposition.js';
import { kernelChart } from './charts/kernels.js';
import { timelineChart } from './charts/timeline.js';
import { utilizationChart } from './charts/utilization.js';
import { seconds, sig } from './format.js';
import { kernelTable } from './kernel-table.js';
import { lossPartsOf } from './loss-parts.js';
import { policyTable, policyTableForHtml } from './policy-table.js';
import { qualityLine } from './quality.js';
import { runNotes } from './run-notes.js';
import type { BenchReport, Report, RunReport } from './schema.js';
import { esc } from './svg.js';
import type { Table } from './table.js';

/**
 * One self-contained HTML page: inline CSS and SVG, no scripts, no fonts, no network. The
 * Content-Security-Policy forbids every fetch, so a renderer bug that referenced an outside
 * resource shows up as a console error in the headless-Chromium test instead of a page that
 * quietly works only online.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The report's stylesheet; the page `hetbench serve` serves uses it too (src/web). */
export const REPORT_CSS = `\n${[
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;' +
    'color:#1a1a1a;background:#fff;margin:0 auto;max-width:1000px;padding:24px}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;' +
    'padding-bottom:4px}',
  '.meta{color:#555;margin:0 0 12px}.warn{background:#fff4e5;border-left:4px solid #e69f00;' + 'padding:8px 12px}',
  'table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}',
  'th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}th:first-child,td:first-child{text-align:left}',
  'th{background:#f6f6f6;font-weight:600}',
  'figure{margin:8px 0 16px}figcaption{color:#555;font-size:13px;margin-top:4px}',
  'svg{max-width:100%;height:auto;display:block}',
  'svg .lbl{font-size:12px;fill:#333}svg .sm{font-size:10px;fill:#333}svg .hd{font-size:13px;' +
    'font-weight:600;fill:#111}svg .inbar{font-size:12px;fill:#fff;font-weight:600}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}' + 'dt{color:#555}dd{margin:0}',
].join('\n')}\n`;

export function renderHtml(report: Report): string {
  const title = reportTitle(report);
  return htmlPage(title, reportBody(report, title));
}

/** A self-contained page around `body` (HTML): the report's CSP and stylesheet (the fleet report uses it too). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page's content (header, sections, environment): the browser page shows exactly this. */
export function reportBody(report: Report, title = reportTitle(report)): string {
  const sections = report.kind === 'run' ? runSections(report) : benchSections(report);
  return `<header>
<h1>${esc(title)}</h1>
<p class="meta">hetbench ${esc(report.tool.version)} · ${esc(report.createdAt)} · timing: ${esc(report.environment.timing)}</p>
</header>
<main>
${sections.join('\n')}
${environmentSection(report)}
</main>`;
}

/** 'hetbench run report — ADAPTER'. */
export function reportTitle(report: Report): string {
  return `hetbench ${report.kind} report — ${adapterLabel(report.environment.adapter)}`;
}

function section(heading: string, ...parts: string[]): string {
  return `<section>\n<h2>${esc(heading)}</h2>\n${parts.join('\n')}\n</section>`;
}

function fig(svg: string, caption: string): string {
  return `<figure>\n${svg}\n<figcaption>${esc(caption)}</figcaption>\n</figure>`;
}

/** A Table as HTML: the first cell of each row is its header. */
export function htmlTable({ header, rows }: Table, caption: string): string {
  const head = header.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<caption class="meta">${esc(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function runSections(r: RunReport): string[] {
  const out: string[] = [];
  if (r.status === 'partial')
    out.push(
      `<p class="warn" role="alert">Partial run: ${esc(r.failure ?? 'stopped early')}. Figures cover what completed.</p>`,
    );
  const cluster = r.classes.map((c) => `${c.count.toLocaleString('en-US')} × ${c.gpu}`).join(' + ');
  out.push(
    `<p>Cluster: <strong>${esc(cluster)}</strong> · ${esc(String(r.inputs.steps))} steps per policy` +
      `${r.inputs.quick ? ' (quick)' : ''} · seed ${esc(String(r.inputs.seed))} · wall time ${esc(seconds(r.wallS))}</p>`,
  );
  for (const note of runNotes(r)) out.push(`<p>${esc(note)}</p>`);
  if (r.quality !== undefined)
    out.push(`<p${r.quality.verdict === 'good' ? '' : ' class="warn"'}>${esc(qualityLine(r.quality))}</p>`);
  out.push(
    section(
      'Policies',
      htmlTable(
        policyTableForHtml(policyTable(r)),
        'Measured on the local GPU (time-dilated per generation) and predicted by the analytic model; ' +
          'shares are of the global batch.',
      ),
    ),
  );
  if (r.policies.length > 0) {
    out.push(
      section(
        'One step per policy',
        fig(
          timelineChart(r),
          "Each policy's median measured step. Grey is time a generation spends waiting for the slowest one.",
        ),
      ),
    );
    out.push(
      section(
        'Utilization per generation',
        fig(utilizationChart(r), 'Busy fraction = compute time / step time, measured.'),
      ),
    );
  }
  const conv = convergenceChart(r);
  if (conv !== null)
    out.push(
      section(
        'Adaptive policy convergence',
        fig(
          conv,
          'Step time of the adaptive policy as it re-estimates each generation’s speed; dashed lines are other policies’ medians.',
        ),
      ),
    );
  const loss = lossPartsOf(r);
  if (loss !== null)
    out.push(
      section(
        'Where lockstep loses time',
        fig(
          decompositionChart(loss),
          loss.of === 'GPU-time'
            ? 'Fractions of total GPU-time, from the model.'
            : 'Fractions of lockstep’s step against the ideal step (every GPU computing all step), from the model.',
        ),
      ),
    );
  return out;
}

function benchSections(r: BenchReport): string[] {
  const out: string[] = [];
  if (r.roofline !== null) {
    const rf = r.roofline;
    out.push(
      `<p>Roofline: FMA f32 <strong>${esc(sig(rf.fmaF32Gflops))}</strong> GFLOP/s` +
        `${rf.fmaF16Gflops === null ? '' : `, f16 <strong>${esc(sig(rf.fmaF16Gflops))}</strong> GFLOP/s`}` +
        `, memory <strong>${esc(sig(rf.bandwidthGBs))}</strong> GB/s</p>`,
    );
  }
  out.push(
    section(
      'Kernels',
      fig(kernelChart(r), 'Median GFLOP/s over repetitions.'),
      htmlTable(kernelTable(r), 'Kernels measured in this run.'),
    ),
  );
  if (r.blas !== null && r.blas.length > 0) {
    out.push(
      section(
        'CPU BLAS reference',
        htmlTable(
          { header: ['shape', 'GFLOP/s'], rows: r.blas.map((b) => [`${b.m}×${b.n}×${b.k}`, sig(b.gflops)]) },
          'numpy sgemm on the same CPU, same run.',
        ),
      ),
    );
  }
  return out;
}

function environmentSection(r: Report): string {
  const e = r.environment;
  const rows: [string, string][] = [
    ['adapter', adapterLabel(e.adapter)],
    ...(e.browser ? ([['browser', `${e.browser.name} ${e.browser.version}`]] as [string, string][]) : []),
    ['OS', e.os],
    ['CPU', `${e.cpu} (${e.cores} cores)`],
    ['Node', e.node],
    ['webgpu', e.webgpu],
    ['Dawn toggles', e.dawnToggles.join(', ') || 'none'],
    ['host polling', e.hostPolling ?? 'not recorded'],
    ['commit', e.gitSha ?? 'unknown'],
  ];
  return section('Environment', `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`);
}
