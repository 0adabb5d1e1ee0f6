// The CEL activation of an admission request: object, oldObject, request, namespaceObject, params,
// lazily evaluated variables, and the Kyverno libraries.
import type { AdmissionContext } from '../types.ts';
import { identityOf } from './kinds.ts';
import { libraryActivation, runCel, type CelLibraries } from './runtime.ts';
import { CelUnknown } from './libs.ts';
import { asArray, isRecord, toCel } from './values.ts';

export interface ActivationInput {
  object: Record<string, unknown> | null;
  context: AdmissionContext;
  libs?: CelLibraries;
  /** Extra top-level variables (e.g. `exceptions`). */
  extra?: Record<string, unknown>;
}

export function requestOf(object: Record<string, unknown> | null, context: AdmissionContext): Record<string, unknown> {
  const subject = object ?? context.oldObject ?? {};
  const id = identityOf(subject);
  const meta = isRecord(subject.metadata) ? subject.metadata : {};
  const [resource, subresource] = id.plural.split('/');
  const user = context.userInfo ?? {};
  return {
    uid: '',
    kind: { group: id.group, version: id.version, kind: String(subject.kind ?? '') },
    resource: { group: id.group, version: id.version, resource: resource ?? '' },
    subResource: subresource ?? '',
    requestKind: { group: id.group, version: id.version, kind: String(subject.kind ?? '') },
    name: String(meta.name ?? ''),
    namespace: String(meta.namespace ?? ''),
    operation: context.operation,
    userInfo: { username: user.username ?? '', uid: user.uid ?? '', groups: user.groups ?? [] },
    dryRun: false,
  };
}

/**
 * Variables are evaluated on first use and at most once, in the order the policy declares them;
 * a failing variable fails only the expressions that read it, as in Kubernetes.
 */
export function buildActivation(input: ActivationInput, variables: unknown[]): Record<string, unknown> {
  const { context } = input;
  const activation: Record<string, unknown> = {
    ...libraryActivation(input.libs ?? {}),
    object: input.object ? toCel(input.object) : null,
    oldObject: context.oldObject ? toCel(context.oldObject) : null,
    request: toCel(requestOf(input.object, context)),
    namespaceObject: context.namespaceObject ? toCel(context.namespaceObject) : null,
    params: context.params === undefined ? null : toCel(context.params),
    ...(input.extra ?? {}),
  };
  const vars: Record<string, unknown> = {};
  for (const v of asArray(variables)) {
    if (!isRecord(v) || typeof v.name !== 'string' || typeof v.expression !== 'string') continue;
    const expression = v.expression;
    let state: { done: true; value: unknown } | { done: false } = { done: false };
    Object.defineProperty(vars, v.name, {
      enumerable: true,
      get() {
        if (state.done) return state.value;
        const out = runCel(expression, activation);
        if (out.ok) { state = { done: true, value: out.value }; return out.value; }
        if ('unknown' in out) throw new CelUnknown(out.unknown);
        throw new Error(`variable ${String(v.name)}: ${out.error}`);
      },
    });
  }
  activation.variables = vars;
  return activation;
}
