import type { MatchSummary } from './types.ts';
import { asObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** 'apps/v1/Deployment', 'v1/Pod', 'Pod/status', 'batch/*\/CronJob' -> the kind name ('Deployment', 'Pod', ...). */
export function kindName(ref: string): string {
  const withoutSub = ref.includes('/') && /^[A-Z*]/.test(ref.split('/')[0]) ? ref.split('/')[0] : ref;
  const parts = withoutSub.split('/');
  return parts[parts.length - 1];
}

/**
 * Summarises a legacy `match`/`exclude` block: the union over `any` entries, the intersection
 * for `all` (approximated by the first entry naming kinds, since every `all` entry must hold).
 */
export function summarizeLegacyMatch(match: unknown, exclude: unknown): MatchSummary {
  const filters = resourceFilters(match);
  const kinds = new Set<string>();
  const namespaces = new Set<string>();
  const operations = new Set<string>();
  let conditional = false;
  let anyNamespace = false;
  for (const filter of filters) {
    const resources = asObj(filter.resources) ?? {};
    asStrings(resources.kinds).forEach((k) => kinds.add(kindName(k)));
    const ns = asStrings(resources.namespaces);
    if (ns.length === 0) anyNamespace = true;
    ns.forEach((n) => namespaces.add(n));
    asStrings(resources.operations).forEach((o) => operations.add(o));
    if (resources.selector || resources.namespaceSelector || resources.names || resources.name || filter.subjects || filter.roles || filter.clusterRoles) conditional = true;
  }
  const excludedNamespaces = new Set<string>();
  for (const filter of resourceFilters(exclude)) {
    const resources = asObj(filter.resources) ?? {};
    const onlyNamespaces = Object.keys(resources).every((k) => k === 'namespaces') && !filter.subjects && !filter.roles && !filter.clusterRoles;
    if (onlyNamespaces) asStrings(resources.namespaces).forEach((n) => excludedNamespaces.add(n));
    else conditional = true;
  }
  return {
    kinds: [...kinds],
    namespaces: anyNamespace ? [] : [...namespaces],
    excludedNamespaces: [...excludedNamespaces],
    operations: [...operations],
    conditional,
  };
}

function resourceFilters(block: unknown): Obj[] {
  const b = asObj(block);
  if (!b) return [];
  const list = [...(Array.isArray(b.any) ? b.any : []), ...(Array.isArray(b.all) ? b.all : [])].map(asObj).filter((x): x is Obj => !!x);
  if (b.resources || b.subjects || b.roles || b.clusterRoles) list.push(b);
  return list;
}

/** Summarises a CEL policy's / VAP's `matchConstraints`, mapping plural resources to kinds. */
export function summarizeMatchConstraints(constraints: unknown, matchConditions: unknown, pluralToKinds: (group: string, plural: string) => string[]): MatchSummary {
  const c = asObj(constraints) ?? {};
  const kinds = new Set<string>();
  const operations = new Set<string>();
  for (const rule of Array.isArray(c.resourceRules) ? c.resourceRules : []) {
    const r = asObj(rule);
    if (!r) continue;
    const groups = asStrings(r.apiGroups);
    for (const resource of asStrings(r.resources)) {
      const plural = resource.split('/')[0];
      if (plural === '*') kinds.add('*');
      else for (const group of groups.length ? groups : ['']) pluralToKinds(group, plural).forEach((k) => kinds.add(k));
    }
    asStrings(r.operations).forEach((o) => operations.add(o));
  }
  const excluded = Array.isArray(c.excludeResourceRules) && c.excludeResourceRules.length > 0;
  const selectors = !!(asObj(c.namespaceSelector)?.matchLabels || asObj(c.namespaceSelector)?.matchExpressions || asObj(c.objectSelector)?.matchLabels || asObj(c.objectSelector)?.matchExpressions);
  return {
    kinds: [...kinds],
    namespaces: [],
    excludedNamespaces: [],
    operations: [...operations],
    conditional: excluded || selectors || (Array.isArray(matchConditions) && matchConditions.length > 0),
  };
}
