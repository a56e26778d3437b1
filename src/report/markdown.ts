import { adapterLabel } from './adapter.js';
import { type Comparison, methodSummary, testedCount } from './compare.js';
import { resolutionText } from './compare-auto.js';
import { comparisonTable, hardwareRows } from './compare-table.js';
import { percent, sig } from './format.js';
import type { HardwareTable } from './hardware.js';
import { kernelTable } from './kernel-table.js';
import { hybridLossText } from './loss-parts.js';
import { markdownCode, markdownText } from './markdown-escape.js';
import { policyTable, policyTableForMarkdown } from './policy-table.js';
import { qualityLine } from './quality.js';
import { runNotes } from './run-notes.js';
import type { BenchReport, Report, RunReport } from './schema.js';
import { markdownTable } from './table.js';

/**
 * GitHub-flavoured Markdown summaries: for a PR comment or a job's step summary. Tables only,
 * no HTML, so they read the same in a terminal pager.
 */
export function renderMarkdown(report: Report): string {
  const env = report.environment;
  const head = [
    `## hetbench ${report.kind} report`,
    '',
    `Adapter: **${markdownText(adapterLabel(env.adapter))}** · timing: ${env.timing} · hetbench ${markdownText(report.tool.version)} · ` +
      `${markdownText(report.createdAt)}${env.gitSha ? ` · commit ${markdownCode(env.gitSha.slice(0, 12))}` : ''}`,
    '',
  ];
  const body = report.kind === 'run' ? runBody(report) : benchBody(report);
  return `${[...head, ...body].join('\n').trimEnd()}\n`;
}

function runBody(r: RunReport): string[] {
  const out: string[] = [];
  if (r.status === 'partial') out.push(`> **Partial run**: ${markdownText(r.failure ?? 'stopped early')}`, '');
  out.push(
    `Cluster: ${r.classes.map((c) => `${c.count.toLocaleString('en-US')} × ${markdownText(c.gpu)}`).join(' + ')} · ` +
      `${r.inputs.steps} steps${r.inputs.quick ? ' (quick)' : ''}`,
    '',
  );
  for (const note of runNotes(r)) out.push(markdownText(note), '');
  if (r.quality !== undefined)
    out.push(`${r.quality.verdict === 'good' ? '' : '> '}${markdownText(qualityLine(r.quality))}`, '');
  out.push(markdownTable(policyTableForMarkdown(policyTable(r))), '');
  const d = r.decomposition;
  if (r.hybridDecomposition !== undefined)
    out.push(`Lockstep loss (model): ${markdownText(hybridLossText(r.hybridDecomposition))}.`, '');
  else if (d !== null) {
    out.push(
      `Lockstep loss ${percent(d.total)} of GPU-time: generation mix ${percent(d.generationMix)}, ` +
        `jitter ${percent(d.jitter)}, communication ${percent(d.communication)}, memory caps ${percent(d.memoryCaps)}.`,
      '',
    );
  }
  return out;
}

function benchBody(r: BenchReport): string[] {
  const out: string[] = [];
  if (r.roofline !== null) {
    out.push(
      `Roofline: FMA f32 ${sig(r.roofline.fmaF32Gflops)} GFLOP/s` +
        `${r.roofline.fmaF16Gflops === null ? '' : `, f16 ${sig(r.roofline.fmaF16Gflops)} GFLOP/s`}` +
        `, memory ${sig(r.roofline.bandwidthGBs)} GB/s`,
      '',
    );
  }
  out.push(markdownTable(kernelTable(r)), '');
  return out;
}

export interface ComparisonLabels {
  readonly base: string;
  readonly head: string;
}

/** `inconclusive`: why the verdicts do not count (a report marked unreliable), shown above them. */
export function renderComparisonMarkdown(cmp: Comparison, labels: ComparisonLabels, inconclusive?: string): string {
  const verdict =
    cmp.regressions > 0 ? `**${cmp.regressions} regression${cmp.regressions === 1 ? '' : 's'}**` : 'no regressions';
  const lines = [
    `## hetbench compare: ${markdownText(labels.base)} → ${markdownText(labels.head)}`,
    '',
    ...(inconclusive === undefined ? [] : [`> **Inconclusive**: ${markdownText(inconclusive)}`, '']),
    `${verdict}, ${cmp.improvements} improvement${cmp.improvements === 1 ? '' : 's'} ` +
      `across ${cmp.metrics.length} metrics (${markdownText(methodSummary(cmp.options, testedCount(cmp)))}).`,
    '',
    markdownTable(comparisonTable(cmp)),
    '',
  ];
  if (cmp.onlyInBase.length > 0) lines.push(`Only in base: ${cmp.onlyInBase.map(markdownCode).join(', ')}`, '');
  if (cmp.onlyInHead.length > 0) lines.push(`Only in head: ${cmp.onlyInHead.map(markdownCode).join(', ')}`, '');
  if (cmp.resolution !== null) lines.push(`> Note: ${markdownText(resolutionText(cmp.resolution))}`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderHardwareMarkdown(hw: HardwareTable, note?: string): string {
  const lines = ['## hetbench hardware comparison', ''];
  if (note !== undefined) lines.push(`> ${markdownText(note)}`, '');
  lines.push(markdownTable(hardwareRows(hw)), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
