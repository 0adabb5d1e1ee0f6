// DeletingPolicy: the schedule is irrelevant to one resource; the question is whether the policy
// would delete it: 'pass' when matched and every condition holds, 'skip' otherwise.
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { evaluateConditions } from './conditions.ts';
import { openFrame, result } from './frame.ts';
import { asArray, isRecord } from './values.ts';

export function evaluateDeletingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  // Deletion is decided by a background scan, not an admission request: rules match the existing
  // object whatever operation they name, and conditions read it as `object`.
  const spec = isRecord(policy.spec) ? policy.spec : {};
  const mc = isRecord(spec.matchConstraints) ? spec.matchConstraints : {};
  const anyOperation = (rules: unknown) => asArray(rules).map((r) => (isRecord(r) ? { ...r, operations: ['*'] } : r));
  const scanned = { ...policy, spec: { ...spec, matchConstraints: { ...mc, resourceRules: anyOperation(mc.resourceRules), excludeResourceRules: anyOperation(mc.excludeResourceRules) } } };
  const opened = openFrame(scanned, resource, { ...context, operation: 'CREATE' }, { autogenKeys: [] });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const { frame } = opened;
  const out = evaluateConditions(frame.spec.conditions, frame.scope, ['spec', 'conditions']);
  switch (out.kind) {
    case 'true': return { rules: [result(frame, 'pass', 'every condition holds: the resource would be deleted', ['spec', 'conditions'])], patched: resource };
    case 'false': return { rules: [result(frame, 'skip', `condition ${out.name} is false`, out.path)], patched: resource };
    case 'error': return { rules: [result(frame, 'error', out.message, out.path)], patched: resource };
    default: return { rules: [result(frame, 'unknown', out.reason, out.path)], patched: resource };
  }
}
