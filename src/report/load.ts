import { BoundedReadError, describeReadFailure, parseBoundedJson, readBoundedText } from '../spec/bounded-read.js';
import { specError, validate } from '../spec/validate.js';
import { type Report, SCHEMA_VERSION } from './schema.js';

/** Where reports come from, for messages that tell the user what to pass instead. */
const WRITERS =
  "'hetbench run --json FILE' (a run report) or 'npm run bench' (a bench report, out/bench.json or --out FILE)";

/**
 * Largest report read. Real ones are well under a megabyte (16 steps x 7 policies, or a bench
 * of 30 shapes); the bound keeps a wrong or hostile file from making compare run for minutes.
 */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024;

/**
 * Reads and checks a hetbench JSON report. Everything that reads reports (compare, export,
 * report) goes through here, so a truncated file, someone else's JSON, or a report from a
 * newer hetbench fails with a SpecError (exit 2) naming the file, the field and the fix, never
 * a TypeError deep in a renderer: schemas/report.schema.json covers every field they read.
 */
export function loadReport(path: string): Report {
  let text: string;
  try {
    text = readBoundedText(path, MAX_REPORT_BYTES);
  } catch (err) {
    if (!(err instanceof BoundedReadError)) throw err;
    throw specError(
      undefined,
      path,
      path,
      `${describeReadFailure(err.failure)}; pass the path of a report written by ${WRITERS}.`,
    );
  }
  const data = parseBoundedJson(text, `${path}: $`);
  return parseReport(data, path);
}

/**
 * Validates an already parsed value; `source` names it in errors. Two questions come before
 * the schema, because they decide whether it applies at all: is this a hetbench report, and
 * of the schema version this hetbench reads?
 */
export function parseReport(data: unknown, source: string): Report {
  const root =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const tool = root['tool'];
  const toolName = typeof tool === 'object' && tool !== null ? (tool as Record<string, unknown>)['name'] : undefined;
  if (toolName !== 'hetbench')
    throw specError(
      source,
      '$.tool.name',
      toolName,
      `must be "hetbench": this file is not a hetbench report; pass one written by ${WRITERS}.`,
    );
  if (root['schemaVersion'] !== SCHEMA_VERSION)
    throw specError(
      source,
      '$.schemaVersion',
      root['schemaVersion'],
      `must be ${SCHEMA_VERSION}; the report comes from another hetbench version, rerun it with this one.`,
    );
  return validate<Report>('report', data, { source });
}
