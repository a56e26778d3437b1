import { UsageError } from '../errors.js';
import type { Allocation, ClusterModel } from '../model/types.js';
import type {
  AdaptiveController,
  AdaptivePolicy,
  BuiltinPolicyName,
  PolicyContext,
  StaticPolicy,
  UserPolicyName,
} from './policy.js';

/**
 * User-defined policies: the interface a team's own module implements (docs/policies.md, "Your
 * own policy"), the check of its shape, and the wrapper that turns it into a Policy the runners
 * drive exactly like a built-in one. Nothing here trusts the module: its shape is checked once
 * (every problem listed, not only the first), and every allocation it returns is checked
 * against the contract before any runner sees it, so a wrong split is an error naming the
 * policy, never a silently wrong figure.
 */

/** What a user adaptive policy's `start` returns: the next step's split, and what the last step took. */
export interface UserController {
  /** Sequences per class for the next step (checked like `allocate`'s every time it is read). */
  readonly allocation: Allocation;
  /** The slowest worker's compute seconds per class of the step just run, in model.classes order. */
  observe(classTimesS: readonly number[]): void;
  /** Optional: the controller's correction per class (observed / modelled time); 1s when absent. */
  readonly corrections?: readonly number[];
}

interface UserPolicyBase {
  /** Lower-case letters, digits and dashes, starting with a letter, at most 48; no built-in's name. */
  readonly name: string;
  /** One line: what the policy does (shown by `--help`-style listings and docs). */
  readonly summary: string;
}

/** The same split every step. */
export interface UserStaticPolicy extends UserPolicyBase {
  readonly kind: 'static';
  /**
   * Sequences per class (model.classes order): whole numbers >= 0 summing exactly to
   * model.globalBatch, every class at or under count * memoryCapSequences (its slowest worker
   * runs ceil(s / count), which must not exceed memoryCapSequences).
   */
  allocate(ctx: PolicyContext): Allocation;
}

/** Re-splits after every step from what the step took. */
export interface UserAdaptivePolicy extends UserPolicyBase {
  readonly kind: 'adaptive';
  /** A fresh controller per run: hetbench starts one for each run it makes (run: the rounds and the prediction). */
  start(ctx: PolicyContext): UserController;
  /** The first step's split; absent: start(ctx).allocation. */
  allocate?(ctx: PolicyContext): Allocation;
}

/** A policy from a user's module: `export const policy` (or `export default`) of a .js/.mjs file. */
export type UserPolicy = UserStaticPolicy | UserAdaptivePolicy;

/** Names a user policy may take: a slug, so that metric names (`run.<policy>.stepTime`) stay dotted paths. */
export const USER_POLICY_NAME = /^[a-z][a-z0-9-]{0,47}$/;

/** `name` as a UserPolicyName when it is a valid slug and not one of `builtins`; null otherwise. */
export function userPolicyName(name: string, builtins: readonly BuiltinPolicyName[]): UserPolicyName | null {
  if (!USER_POLICY_NAME.test(name)) return null;
  if ((builtins as readonly string[]).includes(name)) return null;
  return name as UserPolicyName;
}

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
};

/**
 * Everything `value` lacks to be a UserPolicy, one entry per problem, each naming the member
 * (`policy.allocate is not a function (got undefined)`); empty when it is one. Reads each
 * member once, inside a try: a getter that throws is a problem, not a crash.
 */
export function userPolicyProblems(value: unknown, builtins: readonly BuiltinPolicyName[]): string[] {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return [`policy is ${describe(value)}, not an object with name, summary, kind and allocate`];
  const read = (key: string): { ok: true; v: unknown } | { ok: false; why: string } => {
    try {
      return { ok: true, v: (value as Record<string, unknown>)[key] };
    } catch (err) {
      return { ok: false, why: `reading policy.${key} threw: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
  const problems: string[] = [];
  const name = read('name');
  if (!name.ok) problems.push(name.why);
  else if (typeof name.v !== 'string') problems.push(`policy.name is not a string (got ${describe(name.v)})`);
  else if (!USER_POLICY_NAME.test(name.v))
    problems.push(
      `policy.name ${describe(name.v)} is not a lower-case name of letters, digits and dashes ` +
        'starting with a letter, at most 48 characters (e.g. "capacity-greedy")',
    );
  else if ((builtins as readonly string[]).includes(name.v))
    problems.push(`policy.name ${describe(name.v)} is a built-in policy's name; give yours its own`);
  const summary = read('summary');
  if (!summary.ok) problems.push(summary.why);
  else if (typeof summary.v !== 'string' || summary.v.trim() === '')
    problems.push(`policy.summary is not a non-empty string (got ${describe(summary.v)})`);
  const kind = read('kind');
  if (!kind.ok) problems.push(kind.why);
  else if (kind.v !== 'static' && kind.v !== 'adaptive')
    problems.push(`policy.kind must be "static" or "adaptive" (got ${describe(kind.v)})`);
  const allocate = read('allocate');
  const start = read('start');
  if (!allocate.ok) problems.push(allocate.why);
  if (!start.ok) problems.push(start.why);
  const hasAllocate = allocate.ok && typeof allocate.v === 'function';
  const hasStart = start.ok && typeof start.v === 'function';
  if (kind.ok && kind.v === 'adaptive') {
    if (start.ok && !hasStart)
      problems.push(
        `policy.start is not a function (got ${describe(start.v)}): an adaptive policy needs ` +
          'start(ctx) returning { allocation, observe(classTimesS) }',
      );
    if (allocate.ok && allocate.v !== undefined && !hasAllocate)
      problems.push(`policy.allocate is not a function (got ${describe(allocate.v)})`);
  } else if (allocate.ok && !hasAllocate)
    problems.push(`policy.allocate is not a function (got ${describe(allocate.v)})`);
  return problems;
}

/** Where a user policy came from, for its errors: the module path as the user gave it. */
export interface UserPolicySource {
  readonly module: string;
}

/** A UsageError on `policy` naming the module and the policy, so the CLI reports `--policy: got "./x.mjs"; ...`. */
function violation(source: UserPolicySource, name: string, what: string): UsageError {
  return new UsageError('policy', source.module, `policy "${name}" ${what} (the contract: docs/policies.md).`);
}

/**
 * `value` as an Allocation when it keeps the contract on `model`; a UsageError naming the
 * policy and the first violation otherwise. `what` says which call returned it.
 */
export function checkAllocation(
  model: ClusterModel,
  value: unknown,
  name: string,
  source: UserPolicySource,
  what: string,
): Allocation {
  const fail = (why: string): UsageError => violation(source, name, `${what} ${why}`);
  const k = model.classes.length;
  if (!Array.isArray(value)) throw fail(`returned ${describe(value)}, not an array of sequences per class`);
  if (value.length !== k)
    throw fail(
      `returned ${value.length} entries for ${k} classes ` +
        `(one per class, in order: ${model.classes.map((c) => c.gpu.id).join(', ')})`,
    );
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const s: unknown = value[i];
    const c = model.classes[i];
    const label = `entry ${i} (${c?.gpu.id ?? '?'})`;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0)
      throw fail(`returned ${describe(s)} at ${label}; every entry must be a whole number of sequences >= 0`);
    sum += s;
  }
  if (sum !== model.globalBatch)
    throw fail(`returned [${value.join(', ')}], which sums to ${sum}, not the global batch ${model.globalBatch}`);
  for (let i = 0; i < k; i++) {
    const c = model.classes[i];
    const s = value[i] as number;
    if (!c || s === 0) continue;
    const worker = (c.gpusPerWorker ?? 1) > 1 ? 'replica' : 'GPU';
    if (c.count <= 0) throw fail(`gives ${s} sequences to ${c.gpu.id}, a class with no ${worker}s`);
    const perWorker = Math.ceil(s / c.count);
    if (perWorker > c.memoryCapSequences)
      throw fail(
        `gives ${c.gpu.id} ${s} sequences, ${perWorker} per ${worker} on its slowest of ${c.count}, ` +
          `over its memory cap of ${c.memoryCapSequences} per ${worker}`,
      );
  }
  return [...(value as number[])];
}

/** A call into the module: its own exceptions become a UsageError naming the policy; hetbench's pass through. */
function guarded<T>(source: UserPolicySource, name: string, what: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw violation(source, name, `threw in ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * A checked user policy as a Policy the runners drive like a built-in: its shape checked now
 * (a UsageError listing every problem), each allocation it returns checked when returned.
 */
export function fromUserPolicy(
  value: unknown,
  source: UserPolicySource,
  builtins: readonly BuiltinPolicyName[],
): StaticPolicy | AdaptivePolicy {
  const problems = userPolicyProblems(value, builtins);
  if (problems.length > 0)
    throw new UsageError(
      'policy',
      source.module,
      `does not implement the policy interface (docs/policies.md, "Your own policy"): ${problems.join('; ')}.`,
    );
  const user = value as UserPolicy;
  const name = userPolicyName(user.name, builtins);
  if (name === null) throw new Error(`internal: ${user.name} passed the shape check`);
  const summary = user.summary;
  const allocateOf = (ctx: PolicyContext): Allocation =>
    checkAllocation(
      ctx.model,
      guarded(source, name, 'allocate(ctx)', () => user.allocate?.call(user, ctx)),
      name,
      source,
      'allocate(ctx)',
    );
  if (user.kind === 'static') return { name, summary, kind: 'static', allocate: allocateOf };
  const start = (ctx: PolicyContext): AdaptiveController => startChecked(user, name, source, ctx);
  return {
    name,
    summary,
    kind: 'adaptive',
    start,
    allocate: (ctx) => (user.allocate ? allocateOf(ctx) : start(ctx).allocation),
  };
}

/** The user's controller behind the AdaptiveController runners drive, every allocation it gives checked. */
function startChecked(
  user: UserAdaptivePolicy,
  name: UserPolicyName,
  source: UserPolicySource,
  ctx: PolicyContext,
): AdaptiveController {
  const { model } = ctx;
  const controller = guarded(source, name, 'start(ctx)', () => user.start(ctx));
  if (controller === null || typeof controller !== 'object' || typeof controller.observe !== 'function')
    throw violation(
      source,
      name,
      `start(ctx) returned ${describe(controller)}, not a controller { allocation, observe(classTimesS) }`,
    );
  let steps = 0;
  const check = (raw: unknown, what: string): Allocation => checkAllocation(model, raw, name, source, what);
  let checked = check(
    guarded(source, name, 'start(ctx).allocation', () => controller.allocation),
    'start(ctx).allocation',
  );
  return {
    // Checked on every read (a controller may change its array in place); the same array is
    // handed back while the split is unchanged, so runners can tell a settled split by identity.
    get allocation() {
      const what = `controller.allocation after step ${steps}`;
      const raw = guarded(source, name, what, () => controller.allocation);
      if (!(Array.isArray(raw) && raw.length === checked.length && raw.every((s, i) => s === checked[i])))
        checked = check(raw, what);
      return checked;
    },
    get steps() {
      return steps;
    },
    get corrections() {
      const c = controller.corrections;
      return Array.isArray(c) && c.length === model.classes.length ? c : model.classes.map(() => 1);
    },
    observe(classTimesS) {
      guarded(source, name, 'observe(classTimesS)', () => controller.observe([...classTimesS]));
      steps++;
    },
  };
}
