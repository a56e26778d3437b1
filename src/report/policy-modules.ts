import type { PolicyModuleRecord, Report } from './schema.js';

/**
 * What changed between two run reports' user policies (`--policy ./x.mjs`): compare matches
 * policies by name, so a policy whose module changed (another SHA-256) is the same row with
 * different code behind it, which a reader of the verdicts must be told. One line per policy
 * whose module differs; empty when none does (or when neither report has user policies).
 */
export function policyModuleChanges(base: Report, head: Report): string[] {
  const modulesOf = (r: Report): readonly PolicyModuleRecord[] =>
    r.kind === 'run' ? (r.inputs.policyModules ?? []) : [];
  const before = modulesOf(base);
  const lines: string[] = [];
  for (const h of modulesOf(head)) {
    const b = before.find((m) => m.policy === h.policy);
    if (b === undefined || b.sha256 === h.sha256) continue;
    lines.push(
      `policy ${h.policy} ran different module versions: base ${b.module} (sha256 ${b.sha256.slice(0, 12)}), ` +
        `head ${h.module} (sha256 ${h.sha256.slice(0, 12)})`,
    );
  }
  return lines;
}
