// Kubernetes ValidatingAdmissionPolicy / MutatingAdmissionPolicy with their bindings and params.
// Bindings and param objects are cluster objects: they are read from the context's cluster
// resources. A policy with no binding is evaluated on its own (as `kyverno test` does), with
// context.params as its params.
import type { AdmissionContext, PolicyResult, RuleResult } from '../types.ts';
import { matchConstraints } from './match.ts';
import { evaluateMutatingPolicy } from './mutating.ts';
import { evaluateValidatingPolicy } from './validating.ts';
import { selectorMatches, labelsOf } from './selectors.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

function nameOf(o: Record<string, unknown>): string {
  return isObj(o.metadata) ? String(o.metadata.name ?? '') : '';
}

export function evaluateAdmissionPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const mutating = policy.kind === 'MutatingAdmissionPolicy';
  const bindingKind = mutating ? 'MutatingAdmissionPolicyBinding' : 'ValidatingAdmissionPolicyBinding';
  const bindings = (context.clusterResources ?? []).filter((r) => r.kind === bindingKind && isObj(r.spec) && r.spec.policyName === nameOf(policy));
  const run = (params: unknown, ruleName: string, subject = policy): PolicyResult => {
    const ctx = { ...context, params };
    const out = mutating ? evaluateMutatingPolicy(subject, resource, ctx) : evaluateValidatingPolicy(subject, resource, ctx);
    return { ...out, rules: out.rules.map((r) => ({ ...r, rule: ruleName })) };
  };
  const spec = isObj(policy.spec) ? policy.spec : {};
  if (bindings.length === 0) {
    // `kyverno test` validates a policy without bindings with no params at all (null).
    if (spec.paramKind && context.params === undefined && !context.suite) {
      return { rules: [{ policy: nameOf(policy), rule: nameOf(policy), status: 'unknown', reason: 'the policy takes params and no binding or params were given', path: ['spec', 'paramKind'] }], patched: resource };
    }
    return run(context.params ?? null, nameOf(policy));
  }
  // As `kyverno test` applies bindings: the first whose matchResources select the request decides
  // alone; when none does, the policy does not apply (the entry is excluded).
  const binding = bindings.find((b) => bindingMatches(b.spec as Record<string, unknown>, resource, context, mutating));
  if (!binding) return { rules: [], patched: resource };
  // `kyverno test` (no real cluster) matches the binding only, not the policy's own matchConstraints; the API server matches both.
  const bound = context.suite ? { ...policy, spec: { ...spec, matchConstraints: { resourceRules: [MATCH_ALL] } } } : policy;
  const bspec = binding.spec as Record<string, unknown>;
  const paramSets = resolveParams(spec.paramKind, bspec.paramRef, resource, context);
  if (paramSets === 'missing') {
    const action = isObj(bspec.paramRef) ? bspec.paramRef.parameterNotFoundAction : undefined;
    return { rules: [{ policy: nameOf(policy), rule: nameOf(binding), status: action === 'Allow' ? 'skip' : 'fail', reason: 'no params object found for the binding', path: ['spec', 'paramKind'] }], patched: resource };
  }
  // Every params object is evaluated; the first that errors or denies decides, as the API server does.
  let decided: PolicyResult | undefined;
  let patched = resource;
  for (const params of paramSets) {
    const out = run(params, nameOf(binding), bound);
    patched = out.patched;
    const worst = out.rules.find((r) => r.status === 'error' || r.status === 'fail' || r.status === 'unknown');
    if (worst) return { rules: [worst], patched };
    decided ??= out;
  }
  return { rules: decided?.rules ?? [], patched };
}

const MATCH_ALL = { apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*', '*/*'] };

/**
 * A binding's matchResources alone select the request: selectors and exclusions always apply,
 * resource rules only when given (an absent or empty list selects every resource). Without
 * matchResources a VAP binding selects everything and, in `kyverno test`, a MAP binding nothing.
 */
function bindingMatches(bspec: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext, mutating: boolean): boolean {
  const mr = bspec.matchResources;
  if (!isObj(mr)) return !mutating;
  const rules = asArray(mr.resourceRules);
  const constraints = rules.length ? mr : { ...mr, resourceRules: [MATCH_ALL] };
  return matchConstraints(constraints, resource, context).kind === 'match';
}

function resolveParams(paramKind: unknown, paramRef: unknown, resource: Record<string, unknown>, context: AdmissionContext): unknown[] | 'missing' {
  if (!isObj(paramKind) || !isObj(paramRef)) return [null];
  const candidates = (context.clusterResources ?? []).filter((r) => r.kind === paramKind.kind && (paramKind.apiVersion === undefined || r.apiVersion === paramKind.apiVersion));
  const resNs = isObj(resource.metadata) ? resource.metadata.namespace : undefined;
  const ns = paramRef.namespace ?? resNs;
  const inNs = candidates.filter((c) => !isObj(c.metadata) || c.metadata.namespace === undefined || ns === undefined || c.metadata.namespace === ns);
  let found: unknown[];
  if (typeof paramRef.name === 'string') found = inNs.filter((c) => nameOf(c) === paramRef.name);
  else if (isObj(paramRef.selector)) found = inNs.filter((c) => selectorMatches(paramRef.selector, labelsOf(c)));
  else found = [];
  return found.length ? found : 'missing';
}

export function admissionValidationActions(policy: Record<string, unknown>, context: AdmissionContext): string[] {
  const bindings = (context.clusterResources ?? []).filter((r) => r.kind === 'ValidatingAdmissionPolicyBinding' && isObj(r.spec) && r.spec.policyName === nameOf(policy));
  const actions = bindings.flatMap((b) => asArray((b.spec as Record<string, unknown>).validationActions).map(String));
  return actions.length ? [...new Set(actions)] : ['Deny'];
}
