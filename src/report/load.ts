import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { type Report, SCHEMA_VERSION } from './schema.js';

/**
 * Reads and checks a hetbench JSON report. Everything that reads reports (compare, export,
 * report) goes through here, so a truncated file, someone else's JSON, or a report from a
 * newer hetbench fails with a UsageError naming the file and the field, never a TypeError
 * deep in a renderer. Checks cover the fields the readers use, not every field.
 */
export function loadReport(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(
      path,
      path,
      `cannot be read (${code}); pass the path of a report written by 'hetbench run --json' or 'hetbench bench --json'.`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: $`, text.slice(0, 40), `is not valid JSON (${(err as Error).message}).`);
  }
  return parseReport(data, path);
}

/** Validates an already parsed value; `source` names it in errors. */
export function parseReport(data: unknown, source: string): Report {
  const at = (field: string): string => `${source}: ${field}`;
  const obj = (value: unknown, field: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new UsageError(at(field), value, 'must be an object.');
    return value as Record<string, unknown>;
  };
  const arr = (value: unknown, field: string): unknown[] => {
    if (!Array.isArray(value)) throw new UsageError(at(field), value, 'must be an array.');
    return value;
  };
  const num = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new UsageError(at(field), value, 'must be a finite number.');
    return value;
  };
  const str = (value: unknown, field: string): string => {
    if (typeof value !== 'string') throw new UsageError(at(field), value, 'must be a string.');
    return value;
  };

  const root = obj(data, '$');
  const tool = root['tool'];
  if (typeof tool !== 'object' || tool === null || (tool as Record<string, unknown>)['name'] !== 'hetbench') {
    throw new UsageError(
      at('$.tool.name'),
      (tool as Record<string, unknown> | null)?.['name'],
      'must be "hetbench": this file is not a hetbench report.',
    );
  }
  if (root['schemaVersion'] !== SCHEMA_VERSION) {
    throw new UsageError(
      at('$.schemaVersion'),
      root['schemaVersion'],
      `must be ${SCHEMA_VERSION}; the report comes from another hetbench version, rerun it with this one.`,
    );
  }
  const kind = root['kind'];
  if (kind !== 'run' && kind !== 'bench') throw new UsageError(at('$.kind'), kind, 'must be "run" or "bench".');
  const env = obj(root['environment'], '$.environment');
  if (env['adapter'] !== null) {
    const adapter = obj(env['adapter'], '$.environment.adapter');
    for (const f of ['vendor', 'architecture', 'device', 'description', 'backend'])
      str(adapter[f], `$.environment.adapter.${f}`);
  }
  arr(root['metrics'], '$.metrics').forEach((m, i) => {
    const f = `$.metrics[${i}]`;
    const metric = obj(m, f);
    str(metric['name'], `${f}.name`);
    str(metric['unit'], `${f}.unit`);
    if (metric['better'] !== 'lower' && metric['better'] !== 'higher')
      throw new UsageError(at(`${f}.better`), metric['better'], 'must be "lower" or "higher".');
    num(metric['value'], `${f}.value`);
    arr(metric['samples'], `${f}.samples`).forEach((s, j) => num(s, `${f}.samples[${j}]`));
  });
  if (kind === 'run') {
    arr(root['classes'], '$.classes').forEach((c, i) => {
      str(obj(c, `$.classes[${i}]`)['gpu'], `$.classes[${i}].gpu`);
    });
    arr(root['policies'], '$.policies').forEach((p, i) => {
      const f = `$.policies[${i}]`;
      const policy = obj(p, f);
      str(policy['policy'], `${f}.policy`);
      for (const which of ['measured', 'predicted']) {
        const fig = obj(policy[which], `${f}.${which}`);
        for (const k of ['stepS', 'stragglerLoss', 'tokensPerS', 'mfu', 'speedup']) num(fig[k], `${f}.${which}.${k}`);
        arr(fig['busy'], `${f}.${which}.busy`).forEach((b, j) => num(b, `${f}.${which}.busy[${j}]`));
      }
      arr(policy['steps'], `${f}.steps`).forEach((s, j) => {
        const step = obj(s, `${f}.steps[${j}]`);
        num(step['stepS'], `${f}.steps[${j}].stepS`);
        num(step['allReduceS'], `${f}.steps[${j}].allReduceS`);
        arr(step['classComputeS'], `${f}.steps[${j}].classComputeS`).forEach((c, k) =>
          num(c, `${f}.steps[${j}].classComputeS[${k}]`),
        );
      });
    });
    if (root['decomposition'] !== null) {
      const d = obj(root['decomposition'], '$.decomposition');
      for (const k of ['total', 'generationMix', 'jitter', 'communication', 'memoryCaps'])
        num(d[k], `$.decomposition.${k}`);
    }
    if (root['adaptiveTrace'] !== null)
      arr(root['adaptiveTrace'], '$.adaptiveTrace').forEach((t, i) => num(t, `$.adaptiveTrace[${i}]`));
  } else {
    arr(root['kernels'], '$.kernels').forEach((k, i) => {
      const f = `$.kernels[${i}]`;
      const kr = obj(k, f);
      str(kr['kernel'], `${f}.kernel`);
      for (const d of ['m', 'n', 'k', 'gflops']) num(kr[d], `${f}.${d}`);
    });
    if (root['roofline'] !== null) {
      const r = obj(root['roofline'], '$.roofline');
      num(r['fmaF32Gflops'], '$.roofline.fmaF32Gflops');
      num(r['bandwidthGBs'], '$.roofline.bandwidthGBs');
    }
  }
  return data as Report;
}
