import { SpecError } from '../errors.js';
import { describeReadFailure } from '../spec/bounded-read.js';
import { readJsonWithin } from '../spec/read-json-file.js';
import { validate } from '../spec/validate.js';
import { FLEET_FILE_VERSION, type FleetFile } from './fleet-file.js';
import { FLEET_SCHEMA_VERSION, type FleetNodeReport } from './node-report.js';

/** A merged fleet file holds ~300 bytes per node (100,000 nodes: ~30 MB); node files are a few kilobytes. */
export const MAX_FLEET_FILE_BYTES = 512 * 1024 * 1024;

export type FleetInput =
  | { readonly kind: 'fleet-node'; readonly report: FleetNodeReport }
  | { readonly kind: 'fleet'; readonly fleet: FleetFile };

/**
 * Reads one merge input: a node file (fleet node) or a merged fleet file (fleet merge --out).
 * Another tool's file, another kind, another schema version or a file that fails its schema
 * is a SpecError naming the file (exit 2), checked in that order so the message says which.
 */
export function readFleetInput(
  path: string,
  accept: readonly FleetInput['kind'][] = ['fleet-node', 'fleet'],
): FleetInput {
  const data = readJsonWithin(path, MAX_FLEET_FILE_BYTES, (failure) =>
    failure.kind === 'unreadable'
      ? `is not a readable file (${failure.code}); give node files written by \`hetbench fleet node --out\`.`
      : `${describeReadFailure(failure)}; give a node file or a merged fleet file.`,
  );
  const head = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const tool = head['tool'];
  const kind = head['kind'];
  if (tool !== 'hetbench')
    throw new SpecError(
      `${path}: $.tool`,
      tool,
      'must be "hetbench": this is not a hetbench fleet file; give files written by `hetbench fleet node --out`.',
    );
  if ((kind !== 'fleet-node' && kind !== 'fleet') || !accept.includes(kind))
    throw new SpecError(
      `${path}: $.kind`,
      kind,
      `must be ${accept.map((k) => JSON.stringify(k)).join(' or ')}: this hetbench file is not a ${accept.join(' or ')} file.`,
    );
  const version = head['schemaVersion'];
  const expected = kind === 'fleet-node' ? FLEET_SCHEMA_VERSION : FLEET_FILE_VERSION;
  if (version !== expected)
    throw new SpecError(
      `${path}: $.schemaVersion`,
      version,
      `must be ${expected}: the file was written by a hetbench with another ${kind} format; measure (or merge) again with this version.`,
    );
  if (kind === 'fleet-node') return { kind, report: validate<FleetNodeReport>('fleet-node', data, { source: path }) };
  return { kind, fleet: validate<FleetFile>('fleet', data, { source: path }) };
}
