import type { FleetFile } from '../fleet/fleet-file.js';
import { fmt, pct } from '../report/format.js';
import { htmlPage, htmlTable } from '../report/html.js';
import { markdownText } from '../report/markdown-escape.js';
import { esc } from '../report/svg.js';
import { formatTable, markdownTable, type Table } from '../report/table.js';

/** The fleet report's tables (one row per group; one per slow node), shared by the three writers. */
function groupTable(f: FleetFile): Table {
  return {
    header: [
      'group',
      'nodes',
      'median units/s',
      'IQR',
      'MAD/median',
      'p5 / p95',
      'noise CV (median)',
      'mean time ratio',
      'slow',
    ],
    rows: f.groups.map((g) => [
      g.key,
      String(g.nodes),
      fmt(g.speed.median),
      `${fmt(g.speed.q1)}..${fmt(g.speed.q3)}`,
      pct(g.speed.mad / g.speed.median),
      `${fmt(g.speed.p5)} / ${fmt(g.speed.p95)}`,
      pct(g.noise.median),
      fmt(g.meanTimeRatio, 4),
      String(g.slow.length),
    ]),
  };
}

function slowTable(f: FleetFile): Table {
  return {
    header: ['slow node', 'group', 'units/s', 'slower by', 'robust z'],
    rows: f.groups.flatMap((g) => g.slow.map((s) => [s.name, g.key, fmt(s.unitsPerS), pct(s.slowdown), fmt(s.z)])),
  };
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

function summaryText(f: FleetFile): string {
  return `${f.nodes.length} nodes in ${f.groups.length} group${f.groups.length === 1 ? '' : 's'}, workload ${f.workload}`;
}

export function renderFleetText(f: FleetFile): string {
  const groups = groupTable(f);
  const slow = slowTable(f);
  return [
    `fleet: ${summaryText(f)}`,
    formatTable(groups.header, groups.rows),
    '',
    slow.rows.length === 0 ? 'no slow nodes' : formatTable(slow.header, slow.rows),
    ruleText(f),
    ...generationText(f).map((l) => `generation ${l}`),
  ].join('\n');
}

export function renderFleetMarkdown(f: FleetFile): string {
  const slow = slowTable(f);
  return `${[
    '# Fleet report',
    '',
    `${markdownText(summaryText(f))}.`,
    '',
    markdownTable(groupTable(f)),
    '',
    '## Slow nodes',
    '',
    slow.rows.length === 0 ? 'None.' : markdownTable(slow),
    '',
    markdownText(ruleText(f)),
    '',
    ...generationText(f).map((l) => `- ${markdownText(l)}`),
    ...f.warnings.map((w) => `- warning: ${markdownText(w)}`),
  ].join('\n')}\n`;
}

/** The HTML report's page (its CSP and stylesheet: no fetch, no script) around the fleet's tables. */
export function renderFleetHtml(f: FleetFile): string {
  const slow = slowTable(f);
  const notes = [...generationText(f), ...f.warnings.map((w) => `warning: ${w}`)];
  return htmlPage(
    'hetbench fleet report',
    `<h1>Fleet report</h1>
<p class="meta">${esc(summaryText(f))}</p>
${htmlTable(groupTable(f), 'Speed and noise per group of like nodes.')}
<h2>Slow nodes</h2>
${slow.rows.length === 0 ? '<p>None.</p>' : htmlTable(slow, 'Nodes the slow-node rule flags, slowest first.')}
<p>${esc(ruleText(f))}</p>
<ul>${notes.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`,
  );
}
