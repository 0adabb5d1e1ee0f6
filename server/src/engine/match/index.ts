// Legacy (kyverno.io/v1) match/exclude resolution, shared by the legacy engine and others.
import type { Operation, UserInfo } from '../types.ts';
import { gvkOf, kindMatches, type Gvk } from './kinds.ts';
import { selectorMatches, type LabelSelector } from './selector.ts';
import { wildcardMatch } from './wildcard.ts';
import { isObj } from '../../k8s/objects.ts';

export { kindMatches, parseKindSelector, gvkOf, kindNames } from './kinds.ts';
export { selectorMatches } from './selector.ts';
export { wildcardMatch, hasWildcard } from './wildcard.ts';

export type Tri = true | false | 'unknown';

export interface ResourceDescription {
  kinds?: string[];
  name?: string;
  names?: string[];
  namespaces?: string[];
  annotations?: Record<string, string>;
  selector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  operations?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface ResourceFilter {
  resources?: ResourceDescription;
  subjects?: Subject[];
  roles?: string[];
  clusterRoles?: string[];
}

export interface MatchResources extends ResourceFilter {
  any?: ResourceFilter[];
  all?: ResourceFilter[];
}

export interface MatchInput {
  resource: Record<string, unknown>;
  operation: Operation;
  userInfo?: UserInfo;
  /** Undefined when the namespace's labels are not known: a namespaceSelector then yields 'unknown'. */
  namespaceLabels?: Record<string, string>;
  /** Set with `requestKind` when the resource stands for its parent's subresource (a Scale for deployments/scale). */
  subresource?: string;
  requestKind?: Gvk;
}

export interface MatchVerdict {
  result: Tri;
  reason: string;
}

type Obj = Record<string, unknown>;

function meta(resource: Obj): Obj {
  return isObj(resource.metadata) ? resource.metadata : {};
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

/** Does one resource description (plus its user-info constraints) hold for the resource? */
export function matchesResourceDescription(rd: ResourceDescription, input: MatchInput, filter: ResourceFilter = {}): MatchVerdict {
  const { resource } = input;
  const m = meta(resource);
  // A subresource request is matched by the parent's kind plus the subresource ("Deployment/scale").
  const gvk = input.requestKind ?? gvkOf(resource);
  const name = String(m.name ?? m.generateName ?? '');
  const namespace = gvk.kind === 'Namespace' ? name : String(m.namespace ?? '');
  let unknown: string | undefined;
  if (rd.kinds && rd.kinds.length > 0 && !kindMatches(rd.kinds, gvk, input.subresource ?? '')) return no(`kind ${gvk.kind} is not in ${rd.kinds.join(', ')}`);
  if (rd.name && !wildcardMatch(rd.name, name)) return no(`name ${name} does not match ${rd.name}`);
  if (rd.names && rd.names.length > 0 && !rd.names.some((n) => wildcardMatch(n, name))) return no(`name ${name} is not in names`);
  if (rd.namespaces && rd.namespaces.length > 0 && !rd.namespaces.some((n) => wildcardMatch(n, namespace))) return no(`namespace ${namespace} is not in namespaces`);
  if (rd.annotations && Object.keys(rd.annotations).length > 0) {
    const actual = stringMap(m.annotations);
    const ok = Object.entries(rd.annotations).every(([k, v]) => Object.entries(actual).some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(String(v), av)));
    if (!ok) return no('annotations do not match');
  }
  if (rd.selector && !selectorMatches(rd.selector, stringMap(m.labels))) return no('labels do not match the selector');
  if (rd.namespaceSelector) {
    if (gvk.kind === 'Namespace') return no('namespaceSelector does not apply to Namespace resources');
    if (namespace !== '') {
      if (input.namespaceLabels === undefined) unknown = `the labels of namespace ${namespace} are not known (namespaceSelector)`;
      else if (!selectorMatches(rd.namespaceSelector, input.namespaceLabels)) return no('namespace labels do not match the namespaceSelector');
    } else if (!selectorMatches(rd.namespaceSelector, {})) {
      // Kyverno evaluates the selector for a cluster-scoped object too, against the labels of no
      // namespace (doesResourceMatchConditionBlock): a selector that needs a label never holds.
      return no('a cluster-scoped object has no namespace labels for the namespaceSelector');
    }
  }
  if (rd.operations && rd.operations.length > 0 && !rd.operations.includes(input.operation)) return no(`operation ${input.operation} is not in operations`);
  const userInfo = input.userInfo ?? {};
  if (filter.roles && filter.roles.length > 0 && !filter.roles.some((r) => (userInfo.roles ?? []).includes(r))) return no('user roles do not match');
  if (filter.clusterRoles && filter.clusterRoles.length > 0 && !filter.clusterRoles.some((r) => (userInfo.clusterRoles ?? []).includes(r))) return no('user cluster roles do not match');
  if (filter.subjects && filter.subjects.length > 0 && !filter.subjects.some((s) => subjectMatches(s, userInfo))) return no('subjects do not match');
  return unknown ? { result: 'unknown', reason: unknown } : { result: true, reason: 'matched' };
}

function subjectMatches(subject: Subject, user: UserInfo): boolean {
  const username = user.username ?? '';
  switch (subject.kind) {
    case 'ServiceAccount':
      return wildcardMatch(`system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`, username);
    case 'User':
      return wildcardMatch(subject.name, username);
    case 'Group':
      return (user.groups ?? []).some((g) => wildcardMatch(subject.name, g));
    default:
      return false;
  }
}

function no(reason: string): MatchVerdict {
  return { result: false, reason };
}

function isEmptyFilter(f: ResourceFilter): boolean {
  const rd = f.resources ?? {};
  const rdEmpty = Object.values(rd).every((v) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0) || v === '');
  return rdEmpty && !(f.subjects?.length) && !(f.roles?.length) && !(f.clusterRoles?.length);
}

function filterMatches(f: ResourceFilter, input: MatchInput): MatchVerdict {
  if (isEmptyFilter(f)) return no('match block is empty');
  return matchesResourceDescription(f.resources ?? {}, input, f);
}

function and(verdicts: MatchVerdict[]): MatchVerdict {
  const failed = verdicts.find((v) => v.result === false);
  if (failed) return failed;
  const unknown = verdicts.find((v) => v.result === 'unknown');
  return unknown ?? { result: true, reason: 'matched' };
}

function or(verdicts: MatchVerdict[], none: string): MatchVerdict {
  if (verdicts.some((v) => v.result === true)) return { result: true, reason: 'matched' };
  const unknown = verdicts.find((v) => v.result === 'unknown');
  return unknown ?? no(verdicts[0]?.reason ?? none);
}

/** A match block: any / all / the legacy top-level form. */
export function matchBlock(match: MatchResources, input: MatchInput): MatchVerdict {
  if (match.any && match.any.length > 0) return or(match.any.map((f) => filterMatches(f, input)), 'no resource matched');
  if (match.all && match.all.length > 0) return and(match.all.map((f) => filterMatches(f, input)));
  return filterMatches(match, input);
}

/** Is the resource excluded? any: one filter suffices; all: every filter must hold. */
export function excludeBlock(exclude: MatchResources | undefined, input: MatchInput): MatchVerdict {
  if (!exclude) return no('no exclude block');
  const verdict = (f: ResourceFilter): MatchVerdict => (isEmptyFilter(f) ? no('empty exclude filter') : matchesResourceDescription(f.resources ?? {}, input, f));
  if (exclude.any && exclude.any.length > 0) return or(exclude.any.map(verdict), 'not excluded');
  if (exclude.all && exclude.all.length > 0) return and(exclude.all.map(verdict));
  return verdict(exclude);
}

/** The rule applies when match holds and exclude does not; a namespaced policy only sees its own namespace. */
export function ruleApplies(match: MatchResources | undefined, exclude: MatchResources | undefined, input: MatchInput, policyNamespace?: string): MatchVerdict {
  if (policyNamespace !== undefined) {
    const ns = String(meta(input.resource).namespace ?? '');
    if (ns !== policyNamespace) return no(`the policy's namespace ${policyNamespace} differs from the resource's (${ns || 'cluster-scoped'})`);
  }
  const m = matchBlock(match ?? {}, input);
  if (m.result === false) return m;
  const x = excludeBlock(exclude, input);
  if (x.result === true) return no('excluded by the exclude block');
  if (m.result === 'unknown') return m;
  if (x.result === 'unknown') return { result: 'unknown', reason: `exclude: ${x.reason}` };
  return m;
}
