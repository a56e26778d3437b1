import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import type { ClusterModel } from '../model/types.js';
import {
  type BuiltinPolicyName,
  fromUserPolicy,
  isPolicyName,
  type PolicyName,
  type PolicyRef,
  policyNames,
  startPartition,
  type UserPolicyName,
} from '../policy/index.js';
import type { PolicyModuleRecord } from '../report/schema.js';
import { BoundedReadError, describeReadFailure, readBoundedBytes } from '../spec/bounded-read.js';

/**
 * `--policy`: built-in names, `all`, and paths of user policy modules, in one comma list
 * (`--policy lockstep,minmax,./examples/policies/capacity-greedy.mjs`). A module is read as a
 * regular file of bounded size (its SHA-256 goes into the report, so CI knows which version
 * ran), imported, and its export checked against the interface (src/policy/user-policy.ts):
 * every failure is a UsageError on --policy naming the module and what is wrong (exit 2).
 */

/** Largest policy module read: a policy is a few kilobytes; anything far bigger is a wrong path. */
export const MAX_POLICY_MODULE_BYTES = 4 * 1024 * 1024;

/** Which module a user policy came from, as the report records it. */
export type PolicyModule = PolicyModuleRecord;

export interface PolicySelection {
  /** In the order listed, duplicates dropped. */
  readonly policies: readonly PolicyRef[];
  readonly names: readonly PolicyName[];
  readonly modules: readonly PolicyModule[];
}

/** A list item is a module path when it starts with ./ ../ or / or ends in .js or .mjs; else a policy name. */
export function isPolicyModulePath(item: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(item) || /\.(m?js)$/.test(item);
}

const moduleHelp =
  'a policy module is an ES module (.mjs, or .js) exporting `policy`: docs/policies.md, "Your own policy"';

/** The items of a `--policy` value; `all` or absent: every built-in. */
export async function loadPolicies(raw: string | undefined): Promise<PolicySelection> {
  if (raw === undefined) return builtinsOnly([...policyNames]);
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new UsageError(
      '--policy',
      raw,
      `must name policies: ${policyNames.join(', ')}, all, or a policy module's path (./my-policy.mjs).`,
    );
  const policies: PolicyRef[] = [];
  const names: PolicyName[] = [];
  const modules: PolicyModule[] = [];
  const seenModules = new Set<string>();
  const add = (ref: PolicyRef, name: PolicyName): void => {
    if (names.includes(name)) return;
    policies.push(ref);
    names.push(name);
  };
  for (const item of items) {
    if (item === 'all') for (const name of policyNames) add(name, name);
    else if (isPolicyName(item)) add(item, item);
    else if (isPolicyModulePath(item)) {
      const resolved = resolve(item);
      if (seenModules.has(resolved)) continue;
      const loaded = await loadPolicyModule(item);
      const clash = modules.find((m) => m.policy === loaded.module.policy);
      if (clash)
        throw new UsageError(
          '--policy',
          item,
          `exports a policy named "${clash.policy}", the name of the policy of ${clash.module}; give each its own name.`,
        );
      seenModules.add(resolved);
      modules.push(loaded.module);
      add(loaded.policy, loaded.policy.name);
    } else
      throw new UsageError(
        '--policy',
        item,
        `is not a policy; use one of: ${policyNames.join(', ')}, all, or a policy module's path ` +
          '(./my-policy.mjs: docs/policies.md).',
      );
  }
  return { policies, names, modules };
}

/**
 * Starts each user policy once on `model` (no measured rates yet), so a module whose first
 * split breaks the contract fails before the GPU is opened, not after calibration.
 */
export function preflightUserPolicies(policies: readonly PolicyRef[], model: ClusterModel, seed: number): void {
  for (const p of policies) if (typeof p !== 'string') void startPartition(p, { model, seed }).allocation;
}

function builtinsOnly(names: readonly BuiltinPolicyName[]): PolicySelection {
  return { policies: names, names, modules: [] };
}

/** One module: read (bounded, regular file), hashed, imported, its export checked and wrapped. */
export async function loadPolicyModule(
  path: string,
): Promise<{ readonly policy: ReturnType<typeof fromUserPolicy>; readonly module: PolicyModule }> {
  if (!/\.m?js$/.test(path))
    throw new UsageError('--policy', path, `must be a .mjs or .js file (${moduleHelp}; compile TypeScript first).`);
  const resolved = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readBoundedBytes(resolved, MAX_POLICY_MODULE_BYTES);
  } catch (err) {
    if (!(err instanceof BoundedReadError)) throw err;
    const { failure } = err;
    const why =
      failure.kind === 'unreadable' && failure.code === 'ENOENT'
        ? `does not exist (looked for ${resolved})`
        : failure.kind === 'unreadable' && failure.code === 'EISDIR'
          ? 'is a directory, not a module file'
          : describeReadFailure(failure);
    throw new UsageError('--policy', path, `${why}; ${moduleHelp}.`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const hint =
      err instanceof SyntaxError && path.endsWith('.js')
        ? ' (a .js file is an ES module only under a package.json with "type": "module"; name it .mjs)'
        : '';
    throw new UsageError('--policy', path, `failed to load: ${firstLine(message)}${hint}.`);
  }
  const exported = policyExport(namespace, path);
  let policy: ReturnType<typeof fromUserPolicy>;
  try {
    policy = fromUserPolicy(exported, { module: path }, policyNames);
  } catch (err) {
    throw err instanceof UsageError ? err.withField('--policy') : err;
  }
  return { policy, module: { policy: policy.name as UserPolicyName, module: path, sha256 } };
}

/**
 * The export that is the policy: `policy`, else the default export (a CommonJS module's
 * `module.exports = { policy }` arrives as default.policy).
 */
function policyExport(namespace: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(namespace, 'policy')) return namespace['policy'];
  if (Object.hasOwn(namespace, 'default')) {
    const d = namespace['default'];
    if (d !== null && typeof d === 'object' && !('allocate' in d) && !('start' in d) && 'policy' in d)
      return (d as Record<string, unknown>)['policy'];
    return d;
  }
  const found = Object.keys(namespace).sort();
  throw new UsageError(
    '--policy',
    path,
    `exports no \`policy\` and no default export (found: ${found.length > 0 ? found.join(', ') : 'no exports'}); ` +
      'add `export const policy = { name, summary, kind, allocate }` (docs/policies.md, "Your own policy").',
  );
}

const firstLine = (s: string): string => {
  const line = s.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};
