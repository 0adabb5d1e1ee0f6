// MutatingPolicy with evaluation.mutateExisting: after the trigger, the targets (resolved by
// targetMatchConstraints' expression or resource rules, else the policy's own matchConstraints)
// among the supplied resources, filtered by targetMatchConditions, each mutated with Object the
// target. Variables are re-read over each target (a simplification: Kyverno binds them once).
import deepEqual from 'fast-deep-equal';
import type { AdmissionContext, TargetResult } from '../types.ts';
import { evaluateConditions } from './conditions.ts';
import type { Frame } from './frame.ts';
import { matchConstraints } from './match.ts';
import { runMutations } from './mutating.ts';
import { asArray, fromCel } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

export function mutateExistingEnabled(spec: Obj): boolean {
  const evaluation = isObj(spec.evaluation) ? spec.evaluation : {};
  return isObj(evaluation.mutateExisting) && evaluation.mutateExisting.enabled === true;
}

function namespaceLabels(ns: string, context: AdmissionContext): Record<string, string> {
  const found = (context.clusterResources ?? []).find((r) => r.kind === 'Namespace' && isObj(r.metadata) && r.metadata.name === ns);
  const meta = found && isObj(found.metadata) ? found.metadata : {};
  return isObj(meta.labels) ? (meta.labels as Record<string, string>) : {};
}

/** The supplied Kubernetes objects the target constraints select; a string when they cannot be decided. */
function resolveTargets(frame: Frame, trigger: Obj, context: AdmissionContext): Obj[] | TargetResult {
  const tmc = isObj(frame.spec.targetMatchConstraints) ? frame.spec.targetMatchConstraints : undefined;
  if (tmc && typeof tmc.expression === 'string') {
    const out = frame.scope.run(tmc.expression);
    if (!out.ok) return { resource: trigger, status: 'unknown' in out ? 'unknown' : 'error', reason: 'unknown' in out ? out.unknown : `targetMatchConstraints.expression: ${out.error}` };
    const value = fromCel(out.value);
    const items = isObj(value) && Array.isArray(value.items) ? value.items : Array.isArray(value) ? value : [value];
    return items.filter((o): o is Obj => isObj(o) && typeof o.kind === 'string');
  }
  const chosen = tmc && asArray(tmc.resourceRules).length > 0 ? tmc : frame.spec.matchConstraints;
  // Targets are existing objects, not a request: a rule naming no operations still selects them.
  const anyOp = (rules: unknown) => asArray(rules).map((r) => (isObj(r) && r.operations === undefined ? { ...r, operations: ['*'] } : r));
  const constraints = isObj(chosen) ? { ...chosen, resourceRules: anyOp(chosen.resourceRules), excludeResourceRules: anyOp(chosen.excludeResourceRules) } : chosen;
  return (context.clusterResources ?? []).filter((r) => {
    if (typeof r.kind !== 'string' || !isObj(r.metadata) || String(r.apiVersion ?? '').startsWith('cli.kyverno.io/')) return false;
    const ns = String(r.metadata.namespace ?? '');
    return matchConstraints(constraints, r, { ...context, namespaceLabels: namespaceLabels(ns, context) }).kind === 'match';
  });
}

export function mutateExistingTargets(frame: Frame, trigger: Obj, context: AdmissionContext): TargetResult[] {
  const resolved = resolveTargets(frame, trigger, context);
  if (!Array.isArray(resolved)) return [resolved];
  return resolved.map((target): TargetResult => {
    const scope = frame.scope.withObject(target);
    const cond = evaluateConditions(frame.spec.targetMatchConditions, scope, [...frame.specPath, 'targetMatchConditions']);
    if (cond.kind === 'false') return { resource: target, status: 'skip', reason: `targetMatchCondition ${cond.name} is false` };
    if (cond.kind === 'error') return { resource: target, status: 'error', reason: cond.message };
    if (cond.kind === 'unknown') return { resource: target, status: 'unknown', reason: cond.reason };
    const r = runMutations({ ...frame, scope }, target);
    if (r.status !== 'pass' || !r.patched) return { resource: target, status: r.status, reason: r.reason };
    if (deepEqual(r.patched, target)) return { resource: target, status: 'skip', reason: 'no patches applied' };
    return { resource: r.patched, status: 'pass', reason: `mutated ${String(target.kind)} ${String(isObj(target.metadata) ? target.metadata.name : '')}` };
  });
}
