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
import { k8sTypeName, newRegistration, registerK8sType, type K8sTypeSource } from './objectType.ts';

/** Variables every Kubernetes/Kyverno CEL expression may use; unknown shapes stay dyn. */
const DYN_VARIABLES = [
  'oldObject', 'request', 'params', 'namespaceObject',
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
  env.registerVariable('variables', 'map<string, dyn>');
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

let dynEnv: CelEnvironment | undefined;

/** `object` as dyn: the environment evaluation and untyped checking use. */
export function dynEnvironment(): CelEnvironment {
  if (!dynEnv) {
    const { env, session } = baseEnvironment();
    const child = env.clone();
    child.registerVariable('object', 'dyn');
    dynEnv = { env: child, session };
  }
  return dynEnv;
}

const typed = new Map<string, CelEnvironment | undefined>();
const TYPED_MAX = 64;

/**
 * `object`/`oldObject` typed as one Kubernetes kind, or undefined when the kind is not known
 * (CRDs, typos): those are checked with `object` as dyn instead.
 */
export function typedEnvironment(source: K8sTypeSource, apiVersion: string, kind: string): CelEnvironment | undefined {
  const key = `${apiVersion}|${kind}`;
  if (typed.has(key)) return typed.get(key);
  const root = source.typeOfKind(apiVersion, kind);
  let result: CelEnvironment | undefined;
  if (root?.kind === 'object') {
    const { env, session } = baseEnvironment();
    const child = env.clone();
    registerK8sType(child, source, root.name, newRegistration());
    child.registerVariable('object', k8sTypeName(root.name));
    result = { env: child, session };
  }
  if (typed.size >= TYPED_MAX) typed.delete(typed.keys().next().value!);
  typed.set(key, result);
  return result;
}
