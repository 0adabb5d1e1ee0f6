// DeletingPolicy: the schedule is irrelevant to one resource; the question is whether the policy
// would delete it: 'pass' when matched and every condition holds, 'skip' otherwise.
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { evaluateConditions } from './conditions.ts';
import { openFrame, result } from './frame.ts';

export function evaluateDeletingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  // Deletion is decided in the background, not at admission: match on the resource regardless of the request's operation.
  const opened = openFrame(policy, resource, { ...context, operation: 'DELETE', oldObject: resource }, { autogenKeys: [] });
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
