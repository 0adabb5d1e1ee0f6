// matchConstraints of CEL policies and admission policies: resource rules (group, version, plural,
// operations, names, scope), exclusions, namespace and object selectors.
import type { AdmissionContext } from '../types.ts';
import { identityOf } from './kinds.ts';
import { isEmptySelector, labelsOf, selectorMatches } from './selectors.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export type MatchDecision = { kind: 'match' } | { kind: 'nomatch'; reason: string } | { kind: 'unknown'; reason: string };

function listHas(list: unknown, value: string): boolean {
  const items = asArray(list).map(String);
  return items.includes('*') || items.includes(value);
}

function resourceListHas(list: unknown, resource: string, subresource: string): boolean {
  for (const entry of asArray(list).map(String)) {
    const [r, s] = entry.split('/');
    if (entry === '*/*') return true;
    if (s === undefined) { if (subresource === '' && (r === '*' || r === resource)) return true; continue; }
    if ((r === '*' || r === resource) && (s === '*' || s === subresource)) return true;
  }
  return false;
}

/** The request's resource identity: a resource standing for its parent's subresource is requested as the parent. */
function requestIdentity(resource: Record<string, unknown>, context: AdmissionContext): { id: ReturnType<typeof identityOf>; plural: string; sub: string } {
  const parent = context.requestKind;
  if (!parent) {
    const id = identityOf(resource);
    const [plural = '', sub = ''] = id.plural.split('/');
    return { id, plural, sub };
  }
  const id = identityOf({ apiVersion: parent.group ? `${parent.group}/${parent.version}` : parent.version, kind: parent.kind });
  return { id, plural: id.plural.split('/')[0] ?? '', sub: context.subresource ?? '' };
}

export function ruleMatches(rule: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): boolean {
  const { id, plural, sub } = requestIdentity(resource, context);
  // No operations listed matches no request (the API server's and Kyverno's rule matcher alike).
  if (!listHas(rule.operations, context.operation)) return false;
  if (!listHas(rule.apiGroups, id.group)) return false;
  if (!listHas(rule.apiVersions, id.version)) return false;
  if (!resourceListHas(rule.resources, plural, sub)) return false;
  const names = asArray(rule.resourceNames).map(String);
  const meta = isObj(resource.metadata) ? resource.metadata : {};
  if (names.length > 0 && !names.includes(String(meta.name ?? ''))) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && id.namespaced !== false) return false;
  if (scope === 'Namespaced' && id.namespaced === false) return false;
  return true;
}

/** The object the selectors look at: the new object, or the old one on DELETE. */
function subjectOf(resource: Record<string, unknown>, context: AdmissionContext): Record<string, unknown> {
  return context.operation === 'DELETE' && context.oldObject ? context.oldObject : resource;
}

export function matchConstraints(constraints: unknown, resource: Record<string, unknown>, context: AdmissionContext): MatchDecision {
  if (!isObj(constraints)) return { kind: 'nomatch', reason: 'the policy has no matchConstraints' };
  const subject = subjectOf(resource, context);
  const rules = asArray(constraints.resourceRules).filter(isObj);
  if (!rules.some((r) => ruleMatches(r, subject, context))) {
    return { kind: 'nomatch', reason: `no resourceRule matches ${String(subject.kind)} ${context.operation}` };
  }
  if (asArray(constraints.excludeResourceRules).filter(isObj).some((r) => ruleMatches(r, subject, context))) {
    return { kind: 'nomatch', reason: 'excluded by excludeResourceRules' };
  }
  if (!selectorMatches(constraints.objectSelector, labelsOf(subject))) {
    return { kind: 'nomatch', reason: 'objectSelector does not match' };
  }
  return namespaceSelectorDecision(constraints.namespaceSelector, subject, context);
}

function namespaceSelectorDecision(selector: unknown, subject: Record<string, unknown>, context: AdmissionContext): MatchDecision {
  if (isEmptySelector(selector)) return { kind: 'match' };
  const id = identityOf(subject);
  // The API server applies a namespaceSelector to a Namespace's own labels, and skips it for other cluster-scoped objects.
  if (subject.kind === 'Namespace' && id.group === '') {
    return selectorMatches(selector, labelsOf(subject)) ? { kind: 'match' } : { kind: 'nomatch', reason: 'namespaceSelector does not match' };
  }
  if (id.namespaced === false) return { kind: 'match' };
  const labels = context.namespaceLabels ?? (context.namespaceObject ? labelsOf(context.namespaceObject) : undefined);
  if (!labels) return { kind: 'unknown', reason: "namespaceSelector needs the namespace's labels" };
  return selectorMatches(selector, labels) ? { kind: 'match' } : { kind: 'nomatch', reason: 'namespaceSelector does not match' };
}
