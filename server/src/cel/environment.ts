// The CEL environments policies are checked and evaluated in. Building one registers a few
// hundred overloads, so each is built once and reused; the per-evaluation state (modelled I/O,
// cost meter) lives in the environment's Session.
import { Environment } from '@marcbachmann/cel-js';
import { registerKubernetesLibraries, AuthzCheck } from './lib/k8s.ts';
import { registerKyvernoLibraries } from './lib/kyverno.ts';
import { MESSAGE_FN, OPT_FN, OPT_LIST_FN, OPT_MAP_FN } from './messages.ts';
import { Optional } from '@marcbachmann/cel-js';
import equal from 'fast-deep-equal';
import { Session } from './session.ts';
import { k8sTypeName, newRegistration, registerAcyclic, registerK8sType, unionName, withUnions, type K8sTypeSource, type KindRef } from './objectType.ts';

/** Variables every Kubernetes/Kyverno CEL expression may use; unknown shapes stay dyn. */
const DYN_VARIABLES = [
  'oldObject', 'params', 'namespaceObject',
  // ImageValidatingPolicy
  'images', 'attestors', 'attestations',
] as const;

export const LIMITS = { maxAstNodes: 20000, maxDepth: 120, maxListElements: 5000, maxMapEntries: 5000, maxCallArguments: 32 };

export interface CelEnvironment {
  env: Environment;
  session: Session;
}

function buildBase(session: Session): Environment {
  const env = new Environment({
    enableOptionalTypes: true,
    // Kubernetes accepts mixed literals such as {'a': 1, 'b': 'x'} (JSONPatch values, maps of labels).
    homogeneousAggregateLiterals: false,
    limits: LIMITS,
  });
  registerKubernetesLibraries(env, session);
  registerKyvernoLibraries(env, session);
  registerRewriteTargets(env);
  // cel-go compares optionals (`a.?x != b.?x`); cel-js does not. Registering == also gives !=.
  env.registerOperator('optional<dyn> == optional<dyn>', (a: Optional<unknown>, b: Optional<unknown>) =>
    a.hasValue() === b.hasValue() && (!a.hasValue() || equal(a.value(), b.value())));
  for (const name of DYN_VARIABLES) env.registerVariable(name, 'dyn');
  env.registerFunction('__evaluator(): bool', function (this: unknown) {
    session.evaluator = this;
    return true;
  });
  env.registerConstant('authorizer', 'Authorizer', new AuthzCheck({}));
  return env;
}

/** An optional element of a list/map/message literal, until its container decides to keep it. */
class OptionalElement {
  constructor(readonly value: unknown) {}
}

function dropEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!(v instanceof OptionalElement)) out[k] = v;
    else if (v.value instanceof Optional && v.value.hasValue()) out[k] = v.value.value();
  }
  return out;
}

/** The functions rewritten syntax (see messages.ts) calls. */
function registerRewriteTargets(env: Environment): void {
  env
    .registerType('OptionalElement', OptionalElement)
    .registerFunction(`${OPT_FN}(dyn): OptionalElement`, (v: unknown) => new OptionalElement(v))
    .registerFunction(`${OPT_LIST_FN}(list<dyn>): list<dyn>`, (items: unknown[]) => items.flatMap((v) => {
      if (!(v instanceof OptionalElement)) return [v];
      return v.value instanceof Optional && v.value.hasValue() ? [v.value.value()] : [];
    }))
    .registerFunction(`${OPT_MAP_FN}(map<dyn, dyn>): map<dyn, dyn>`, dropEmpty)
    .registerFunction(`${MESSAGE_FN}(string, map<string, dyn>): dyn`, (_type: string, fields: Record<string, unknown>) => dropEmpty(fields));
}

let base: CelEnvironment | undefined;

/** The shared library environment, not yet knowing `object`; clone it to add the object type. */
function baseEnvironment(): CelEnvironment {
  if (!base) {
    const session = new Session();
    base = { env: buildBase(session), session };
  }
  return base;
}

/** admission.k8s.io AdmissionRequest, the `request` variable; free-form parts stay dyn. */
const REQUEST_TYPES: [string, Record<string, string>][] = [
  ['k8s_GroupVersionKind', { group: 'string', version: 'string', kind: 'string' }],
  ['k8s_GroupVersionResource', { group: 'string', version: 'string', resource: 'string' }],
  ['k8s_UserInfo', { username: 'string', uid: 'string', groups: 'list<string>', extra: 'map<string, list<string>>' }],
  ['k8s_AdmissionRequest', {
    uid: 'string', kind: 'k8s_GroupVersionKind', resource: 'k8s_GroupVersionResource', subResource: 'string',
    requestKind: 'k8s_GroupVersionKind', requestResource: 'k8s_GroupVersionResource', requestSubResource: 'string',
    name: 'string', namespace: 'string', operation: 'string', userInfo: 'k8s_UserInfo',
    object: 'dyn', oldObject: 'dyn', dryRun: 'bool', options: 'dyn',
  }],
];

/** A checking environment: `request` typed, `object` as given (or dyn). */
function checkingClone(): Environment {
  const child = baseEnvironment().env.clone();
  for (const [name, fields] of REQUEST_TYPES) child.registerType(name, { fields });
  child.registerVariable('request', 'k8s_AdmissionRequest');
  return child;
}

/** `variables` as a map of anything: the shape every environment but the variable-typed ones use. */
function untypedVariables(env: Environment): Environment {
  return env.registerVariable('variables', 'map<string, dyn>');
}

let evalEnv: CelEnvironment | undefined;

/**
 * Evaluation: every variable dyn, so plain JSON activations are used as they are, and every node
 * visit charged to the session's cost budget.
 */
export function dynEnvironment(): CelEnvironment {
  if (!evalEnv) {
    const { env, session } = baseEnvironment();
    const child = env.clone();
    child.registerVariable('object', 'dyn');
    child.registerVariable('request', 'dyn');
    untypedVariables(child);
    evalEnv = { env: child, session };
    meter(evalEnv);
  }
  return evalEnv;
}

/** The same environment as dynEnvironment, named for what callers use it for. */
export const evaluationEnvironment = dynEnvironment;

interface Evaluator {
  run(ast: unknown, ctx: unknown): unknown;
}

/** Wraps the environment's evaluator so every node visit is charged to the session. */
function meter({ env, session }: CelEnvironment): void {
  // Function handlers run with the evaluator as `this`: the only way to reach it.
  env.evaluate('__evaluator()', {});
  const evaluator = session.evaluator as Evaluator | undefined;
  if (!evaluator) throw new Error('cel: evaluator not reachable for metering');
  const run = evaluator.run.bind(evaluator);
  evaluator.run = (ast, ctx) => {
    session.charge(1);
    const result = run(ast, ctx);
    // Concatenation is the one operator whose result can double per node: charge its size, so
    // nested `a + a` stops long before memory does.
    if ((ast as { op?: string }).op === '+' && (typeof result === 'string' || Array.isArray(result))) session.charge(result.length);
    return result;
  };
}

let checkEnv: CelEnvironment | undefined;

/** Checking with `object` untyped (kinds unknown); `request` is typed. Not for evaluation. */
export function checkEnvironment(): CelEnvironment {
  if (!checkEnv) {
    const child = checkingClone();
    child.registerVariable('object', 'dyn');
    untypedVariables(child);
    checkEnv = { env: child, session: baseEnvironment().session };
  }
  return checkEnv;
}

interface TypedEntry {
  /** `object` typed, `variables` not yet declared: the parent of both leaves below. */
  core: Environment;
  /** `variables` as map<string, dyn>. */
  untyped: CelEnvironment;
  /** `variables` typed per declaration signature. */
  withVariables: Map<string, CelEnvironment | undefined>;
}

const typedBySource = new WeakMap<K8sTypeSource, Map<string, TypedEntry | undefined>>();

/**
 * Types shared by the typed environments of one source. Every workload kind reaches the same Pod
 * types, and registering them again per union of kinds cost ~5 ms an environment, dozens per
 * run. Types with no cycle below them (objectType.ts, acyclic) go into `tip`, which each typed
 * environment clones; the rest are registered per union as before, so every union sees the
 * fields a fresh walk from its root would give. cel-js freezes a registry once it is cloned,
 * hence a new tip after each clone.
 */
interface SharedTypes {
  unions: K8sTypeSource;
  tip: Environment;
  /** Types registered in `tip` or its parents (its registration walk: seen and done alike). */
  reg: ReturnType<typeof newRegistration>;
  acyclic: Map<string, boolean>;
}
const sharedBySource = new WeakMap<K8sTypeSource, SharedTypes>();

function sharedTypes(source: K8sTypeSource): SharedTypes {
  let shared = sharedBySource.get(source);
  if (!shared) sharedBySource.set(source, (shared = { unions: withUnions(source), tip: checkingClone(), reg: newRegistration(), acyclic: new Map() }));
  return shared;
}

/** An environment with `name` and every type it reaches registered; throws what cel-js throws. */
function withObjectType(source: K8sTypeSource, name: string): Environment {
  const shared = sharedTypes(source);
  try {
    registerAcyclic(shared.tip, shared.unions, name, shared.reg, shared.acyclic);
  } catch (error) {
    // A type cel-js rejects leaves the walk half done: start sharing afresh.
    sharedBySource.delete(source);
    throw error;
  }
  const core = shared.tip.clone();
  shared.tip = shared.tip.clone();
  registerK8sType(core, shared.unions, name, { seen: new Set(shared.reg.done), done: new Set(shared.reg.done) });
  return core;
}
const TYPED_MAX = 64;
const VARIABLE_SIGNATURES_MAX = 256;

function typedEntry(source: K8sTypeSource, kinds: KindRef[]): TypedEntry | undefined {
  const roots: string[] = [];
  for (const k of kinds) {
    const root = source.typeOfKind(k.apiVersion, k.kind);
    if (root?.kind !== 'object') return undefined;
    roots.push(root.name);
  }
  if (!roots.length) return undefined;
  const name = unionName(roots);
  let cache = typedBySource.get(source);
  if (!cache) typedBySource.set(source, (cache = new Map()));
  if (cache.has(name)) return cache.get(name);
  let entry: TypedEntry | undefined;
  try {
    const core = withObjectType(source, name);
    core.registerVariable('object', k8sTypeName(name));
    entry = { core, untyped: { env: untypedVariables(core.clone()), session: baseEnvironment().session }, withVariables: new Map() };
  } catch {
    // Type data cel-js cannot take (a field name it rejects): check with `object` as dyn.
    entry = undefined;
  }
  if (cache.size >= TYPED_MAX) cache.delete(cache.keys().next().value!);
  cache.set(name, entry);
  return entry;
}

/**
 * `object` typed as the union of the given kinds (a field exists when any kind has it there), or
 * undefined when a kind is not known (CRDs, typos): those are checked with `object` as dyn.
 */
export function typedEnvironment(source: K8sTypeSource, kinds: KindRef[]): CelEnvironment | undefined {
  return typedEntry(source, kinds)?.untyped;
}

let variableTypeCount = 0;

/**
 * The typed environment with `variables` as a struct of the given field types (cel-js type names
 * the typed environment knows, e.g. 'list<k8s_V1Container>'); undefined when it cannot be built.
 */
export function typedEnvironmentWithVariables(source: K8sTypeSource, kinds: KindRef[], variables: Record<string, string>): CelEnvironment | undefined {
  const entry = typedEntry(source, kinds);
  if (!entry) return undefined;
  const key = JSON.stringify(Object.entries(variables));
  if (entry.withVariables.has(key)) return entry.withVariables.get(key);
  let result: CelEnvironment | undefined;
  try {
    const env = entry.core.clone();
    const typeName = `k8s_Variables${++variableTypeCount}`;
    env.registerType(typeName, { fields: variables });
    env.registerVariable('variables', typeName);
    result = { env, session: baseEnvironment().session };
  } catch {
    result = undefined;
  }
  if (entry.withVariables.size >= VARIABLE_SIGNATURES_MAX) entry.withVariables.delete(entry.withVariables.keys().next().value!);
  entry.withVariables.set(key, result);
  return result;
}
