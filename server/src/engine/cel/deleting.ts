// DeletingPolicy: the schedule is irrelevant to one resource; the question is whether the policy
// would delete it. As `kyverno test` reports it, every resource gets a verdict: 'pass' when the
// policy matches it and every condition holds (it would be deleted), 'fail' otherwise.
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { evaluateConditions } from './conditions.ts';
import { openFrame, policyId, result } from './frame.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export function evaluateDeletingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  // Deletion is decided by a background scan, not an admission request: rules match the existing
  // object whatever operation they name, and conditions read it as `object`.
  const spec = isObj(policy.spec) ? policy.spec : {};
  // A namespaced policy is not run on a resource of another namespace at all (no verdict, not a 'fail').
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const resMeta = isObj(resource.metadata) ? resource.metadata : {};
  if (String(policy.kind ?? '').startsWith('Namespaced') && meta.namespace && resMeta.namespace !== meta.namespace) return { rules: [], patched: resource };
  const mc = isObj(spec.matchConstraints) ? spec.matchConstraints : {};
  const anyOperation = (rules: unknown) => asArray(rules).map((r) => (isObj(r) ? { ...r, operations: ['*'] } : r));
  const scanned = { ...policy, spec: { ...spec, matchConstraints: { ...mc, resourceRules: anyOperation(mc.resourceRules), excludeResourceRules: anyOperation(mc.excludeResourceRules) } } };
  const opened = openFrame(scanned, resource, { ...context, operation: 'CREATE' }, { autogenKeys: [] });
  const name = policyId(policy);
  if ('results' in opened) {
    if (opened.results.length === 0) return { rules: [result({ policyName: name, ruleName: name }, 'fail', 'the policy does not match the resource: it would not be deleted', ['spec', 'matchConstraints'])], patched: resource };
    return { rules: opened.results.map((r) => (r.status === 'skip' ? { ...r, status: 'fail' as const } : r)), patched: resource };
  }
  const { frame } = opened;
  const out = evaluateConditions(frame.spec.conditions, frame.scope, ['spec', 'conditions']);
  switch (out.kind) {
    case 'true': return { rules: [result(frame, 'pass', 'every condition holds: the resource would be deleted', ['spec', 'conditions'])], patched: resource };
    case 'false': return { rules: [result(frame, 'fail', `condition ${out.name} is false: the resource would not be deleted`, out.path)], patched: resource };
    case 'error': return { rules: [result(frame, 'error', out.message, out.path)], patched: resource };
    default: return { rules: [result(frame, 'unknown', out.reason, out.path)], patched: resource };
  }
}
