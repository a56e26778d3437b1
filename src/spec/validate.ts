import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import clusterSchema from '../../schemas/cluster.schema.json' with { type: 'json' };
import fleetSchema from '../../schemas/fleet.schema.json' with { type: 'json' };
import fleetNodeSchema from '../../schemas/fleet-node.schema.json' with { type: 'json' };
import layoutSchema from '../../schemas/layout.schema.json' with { type: 'json' };
import reportSchema from '../../schemas/report.schema.json' with { type: 'json' };
import tuneCacheSchema from '../../schemas/tune-cache.schema.json' with { type: 'json' };
import workloadSchema from '../../schemas/workload.schema.json' with { type: 'json' };
import { SpecError } from '../errors.js';

/**
 * The one validator of untrusted JSON: cluster and workload specs, reports and the tuning
 * cache are checked against their JSON Schema in schemas/ (the single source of truth, also
 * what an editor sees through "$schema"), by ajv. Schemas are JSON imports, so a browser
 * bundle gets them the same way. Each is compiled once, on first use.
 *
 * A failure names the JSON path ($.groups[1].count), the value and the fix, worded from the
 * schema keyword that failed (an `x-fix` annotation on the failing schema overrides the
 * wording). What a schema cannot say (an unknown GPU id, cross-field rules) is the caller's
 * semantic pass after this one, failing through `specError` with the same shape.
 */
export type SchemaName = 'cluster' | 'workload' | 'layout' | 'report' | 'tune-cache' | 'fleet-node' | 'fleet';

const SCHEMAS: Readonly<Record<SchemaName, object>> = {
  cluster: clusterSchema,
  workload: workloadSchema,
  layout: layoutSchema,
  report: reportSchema,
  'tune-cache': tuneCacheSchema,
  'fleet-node': fleetNodeSchema,
  fleet: fleetSchema,
};

/** One key of a JSON path: an object key or an array index. */
export type PathKey = string | number;

export interface SchemaViolation {
  /** Where, as keys from the root: ['groups', 1, 'count']. */
  readonly at: readonly PathKey[];
  /** The offending value; undefined when it is missing. */
  readonly value: unknown;
  /** What is allowed, as the end of a sentence: 'must be an integer from 1 to 10,000,000.' */
  readonly fix: string;
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let check = compiled.get(name);
  if (check === undefined) {
    ajv ??= new Ajv2020({
      // The first failure only: it is what the message names, and later ones may be its echoes.
      allErrors: false,
      // Gives each error its schema and data, from which the message is worded.
      verbose: true,
      strict: true,
      // `then: { required: [...] }` lists properties declared beside the `if`, not inside it.
      strictRequired: false,
      // "type": ["number", "null"] reads better than a oneOf for a nullable number.
      allowUnionTypes: true,
      keywords: [{ keyword: 'x-fix', schemaType: 'string' }],
    });
    check = ajv.compile(SCHEMAS[name]);
    compiled.set(name, check);
  }
  return check;
}

/** The first violation of the named schema, or null when `value` conforms. */
export function findViolation(name: SchemaName, value: unknown): SchemaViolation | null {
  const validate = validator(name);
  if (validate(value)) return null;
  const errors = validate.errors ?? [];
  if (errors.length === 0) return { at: [], value, fix: 'does not match the schema.' };
  const { error, branchErrors } = pickError(errors);
  return describeError(error, branchErrors, value);
}

/**
 * Checks `value` against the named schema and returns it typed as T, or throws a SpecError
 * whose field is `source: $.path`. T must be the TypeScript type the schema describes
 * (test/schema-types.test.ts checks that the types and the schemas agree).
 */
export function validate<T>(name: SchemaName, value: unknown, options: { readonly source?: string } = {}): T {
  const violation = findViolation(name, value);
  if (violation !== null) throw specError(options.source, jsonPath(violation.at), violation.value, violation.fix);
  return value as T;
}

/** The error every spec check throws, semantic ones too: field = `source: path`. */
export function specError(source: string | undefined, path: string, value: unknown, fix: string): SpecError {
  return new SpecError(source === undefined ? path : `${source}: ${path}`, value, fix);
}

/** ['groups', 1, 'count'] -> '$.groups[1].count'; keys that are not identifiers are quoted. */
export function jsonPath(at: readonly PathKey[]): string {
  return `$${at.map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('')}`;
}

/** How numbers appear in messages: 10,000,000 rather than 10000000. */
export function formatLimit(x: number): string {
  return Math.abs(x) >= 1e4 ? x.toLocaleString('en-US') : String(x);
}

/** The subset of a JSON Schema node the messages are worded from. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly additionalProperties?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly 'x-fix'?: string;
}

/**
 * ajv stops at the first failure, except inside oneOf/anyOf: there it reports every branch's
 * error, then the oneOf itself (then whatever encloses it, such as an if/then). A branch
 * rejected on type alone says nothing (an object is not null), so the first error of a branch
 * of the right type is the one to show.
 */
function pickError(errors: readonly ErrorObject[]): { error: ErrorObject; branchErrors: readonly ErrorObject[] } {
  const u = errors.findIndex((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const union = errors[u];
  if (union === undefined) return { error: errors[0] as ErrorObject, branchErrors: [] };
  const branchErrors = errors.slice(0, u);
  const telling = branchErrors.find((e) => !(e.keyword === 'type' && e.instancePath === union.instancePath));
  // Every branch has the wrong type: the union itself is worded from what the branches take.
  return { error: telling ?? union, branchErrors };
}

function describeError(error: ErrorObject, branchErrors: readonly ErrorObject[], root: unknown): SchemaViolation {
  const at = pathKeys(root, error.instancePath);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      // A typo ("cout" for "count") is both an unknown key and a missing one; name the typo.
      const unknown = unknownKeyOf(schema, data);
      if (unknown !== undefined) return unknownKeyViolation(schema, at, unknown, data);
      return { at: [...at, String(params['missingProperty'])], value: undefined, fix: 'is required.' };
    }
    case 'additionalProperties':
      return unknownKeyViolation(schema, at, String(params['additionalProperty']), data);
    case 'minItems':
    case 'maxItems':
      return { at, value: `${(data as unknown[]).length} entries`, fix: schema['x-fix'] ?? itemsFix(schema) };
    case 'oneOf':
    case 'anyOf':
      return { at, value: data, fix: unionFix(branchErrors) };
    default:
      return { at, value: data, fix: schema['x-fix'] ?? valueFix(error.keyword, schema) };
  }
}

/** The keys from the root to a JSON Pointer's target, numbers where the container is an array. */
function pathKeys(root: unknown, pointer: string): PathKey[] {
  if (pointer === '') return [];
  const keys: PathKey[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      keys.push(Number(key));
      node = node[Number(key)];
    } else {
      keys.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return keys;
}

function allowedKeys(schema: SchemaNode): string[] {
  const required = schema.required ?? [];
  return [...required, ...Object.keys(schema.properties ?? {}).filter((k) => !required.includes(k))];
}

function unknownKeyOf(schema: SchemaNode, data: unknown): string | undefined {
  if (schema.additionalProperties !== false || typeof data !== 'object' || data === null) return undefined;
  const allowed = allowedKeys(schema);
  return Object.keys(data).find((k) => !allowed.includes(k));
}

function unknownKeyViolation(schema: SchemaNode, at: readonly PathKey[], key: string, data: unknown): SchemaViolation {
  return {
    at: [...at, key],
    value: (data as Record<string, unknown>)[key],
    fix: `is not a known key here; allowed keys: ${allowedKeys(schema).join(', ')}.`,
  };
}

function itemsFix(schema: SchemaNode): string {
  const min = schema.minItems ?? 0;
  return schema.maxItems === undefined
    ? `must have at least ${min} entries.`
    : `must have from ${min} to ${schema.maxItems} entries.`;
}

/** The wording for a failed value keyword: what the value must be, with the schema's bounds. */
function valueFix(keyword: string, schema: SchemaNode): string {
  if (keyword === 'enum') return `must be one of: ${(schema.enum ?? []).join(', ')}.`;
  if (keyword === 'const') return `must be ${JSON.stringify(schema.const)}.`;
  if (keyword === 'pattern') return `must match ${schema.pattern}.`;
  if (keyword === 'minProperties' || keyword === 'maxProperties')
    return `must have from ${schema.minProperties ?? 0} to ${schema.maxProperties ?? 'any number of'} keys.`;
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  const phrases = types.map((t) => typePhrase(t, schema, keyword));
  return `must be ${phrases.join(' or ')}.`;
}

function typePhrase(type: string, schema: SchemaNode, keyword: string): string {
  switch (type) {
    case 'integer':
    case 'number':
      return numberPhrase(type, schema);
    case 'string':
      return keyword === 'type' || schema.maxLength === undefined
        ? 'a string'
        : `a non-empty string of at most ${schema.maxLength} characters`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a JSON array';
    case 'object':
      return schema.required !== undefined && schema.required.length > 0
        ? `a JSON object with keys ${schema.required.join(', ')}`
        : 'a JSON object';
    default:
      return type;
  }
}

function numberPhrase(type: 'integer' | 'number', schema: SchemaNode): string {
  const noun = type === 'integer' ? 'an integer' : 'a number';
  const { minimum: min, maximum: max, exclusiveMinimum: above } = schema;
  if (above !== undefined)
    return max === undefined
      ? `${noun} greater than ${formatLimit(above)}`
      : `${noun} greater than ${formatLimit(above)} and at most ${formatLimit(max)}`;
  if (min !== undefined && max !== undefined) return `${noun} from ${formatLimit(min)} to ${formatLimit(max)}`;
  if (min !== undefined) return `${noun} of at least ${formatLimit(min)}`;
  if (max !== undefined) return `${noun} of at most ${formatLimit(max)}`;
  return type === 'integer' ? 'an integer' : 'a finite number';
}

/** Every branch of a oneOf failed on type: list what each branch would have taken. */
function unionFix(branchErrors: readonly ErrorObject[]): string {
  const phrases = branchErrors
    .filter((e) => e.keyword === 'type')
    .map((e) => {
      const schema = (e.parentSchema ?? {}) as SchemaNode;
      const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
      return types.map((t) => (t === 'null' ? 'null' : typePhrase(t, schema, 'type'))).join(' or ');
    });
  return phrases.length > 0 ? `must be ${phrases.join(' or ')}.` : 'does not match the schema.';
}
