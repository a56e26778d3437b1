import type { FleetFile } from '../fleet/fleet-file.js';
import { fmt, pct } from '../report/format.js';
import { markdownText } from '../report/markdown-escape.js';
import { esc } from '../report/svg.js';
import { formatTable } from '../report/table.js';

/** The fleet report as rows: one per group, and one per slow node (shared by the three writers). */
function groupRows(f: FleetFile): string[][] {
  return f.groups.map((g) => [
    g.key,
    String(g.nodes),
    fmt(g.speed.median),
    `${fmt(g.speed.q1)}..${fmt(g.speed.q3)}`,
    pct(g.speed.mad / g.speed.median),
    `${fmt(g.speed.p5)} / ${fmt(g.speed.p95)}`,
    pct(g.noise.median),
    fmt(g.meanTimeRatio, 4),
    String(g.slow.length),
  ]);
}
const GROUP_HEADER = [
  'group',
  'nodes',
  'median units/s',
  'IQR',
  'MAD/median',
  'p5 / p95',
  'noise CV (median)',
  'mean time ratio',
  'slow',
];
const SLOW_HEADER = ['slow node', 'group', 'units/s', 'slower by', 'robust z'];

function slowRows(f: FleetFile): string[][] {
  return f.groups.flatMap((g) => g.slow.map((s) => [s.name, g.key, fmt(s.unitsPerS), pct(s.slowdown), fmt(s.z)]));
}

function ruleText(f: FleetFile): string {
  return (
    `slow = robust z > ${f.rule.z} (median and 1.4826 MAD of the group's log speeds) and at least ` +
    `${pct(f.rule.minSlowdown, 0)} slower than the group median; groups under ${f.rule.minGroup} nodes flag nothing`
  );
}

function generationText(f: FleetFile): string[] {
  return f.generations.map(
    (g) =>
      `${g.gpu}: ${g.nodes} nodes, healthy ${fmt(g.healthyGflops)} GFLOP/s, mean time ratio ${fmt(g.meanTimeRatio, 4)}, ` +
      `${g.slowNodes} slow`,
  );
}

export function renderFleetText(f: FleetFile): string {
  const slow = slowRows(f);
  return [
    `fleet: ${f.nodes.length} nodes in ${f.groups.length} group${f.groups.length === 1 ? '' : 's'}, workload ${f.workload}`,
    formatTable(GROUP_HEADER, groupRows(f)),
    '',
    slow.length === 0 ? 'no slow nodes' : formatTable(SLOW_HEADER, slow),
    ruleText(f),
    ...generationText(f).map((l) => `generation ${l}`),
  ].join('\n');
}

export function renderFleetMarkdown(f: FleetFile): string {
  const table = (header: readonly string[], rows: readonly string[][]): string =>
    [
      `| ${header.map(markdownText).join(' | ')} |`,
      `|${header.map(() => ' --- ').join('|')}|`,
      ...rows.map((r) => `| ${r.map(markdownText).join(' | ')} |`),
    ].join('\n');
  const slow = slowRows(f);
  return `${[
    '# Fleet report',
    '',
    `${f.nodes.length} nodes in ${f.groups.length} groups, workload ${markdownText(f.workload)}.`,
    '',
    table(GROUP_HEADER, groupRows(f)),
    '',
    '## Slow nodes',
    '',
    slow.length === 0 ? 'None.' : table(SLOW_HEADER, slow),
    '',
    markdownText(ruleText(f)),
    '',
    ...generationText(f).map((l) => `- ${markdownText(l)}`),
    ...f.warnings.map((w) => `- warning: ${markdownText(w)}`),
  ].join('\n')}\n`;
}

export function renderFleetHtml(f: FleetFile): string {
  const table = (header: readonly string[], rows: readonly string[][]): string =>
    `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const slow = slowRows(f);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hetbench fleet report</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<h1>Fleet report</h1>
<p>${esc(`${f.nodes.length} nodes in ${f.groups.length} groups, workload ${f.workload}`)}</p>
${table(GROUP_HEADER, groupRows(f))}
<h2>Slow nodes</h2>
${slow.length === 0 ? '<p>None.</p>' : table(SLOW_HEADER, slow)}
<p>${esc(ruleText(f))}</p>
<ul>${[...generationText(f), ...f.warnings.map((w) => `warning: ${w}`)].map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
</body></html>
`;
}
