// Can one admission request be matched by two rules? Decided from the match summaries (kinds,
// namespaces with Kyverno wildcards, excluded namespaces, operations) and from label selectors
// read off the raw match blocks. Anything the static view cannot decide (preconditions, CEL
// matchConditions, subjects, exclude blocks with selectors) makes the overlap "maybe", with a reason.
import type { Policy, Rule } from '../model/types.ts';
import { hasWildcard, wildcardMatch } from '../engine/match/wildcard.ts';
import { asObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export interface MatchFacts {
  kinds: string[];
  /** Namespace patterns; empty = any. A namespaced policy is confined to its own namespace. */
  namespaces: string[];
  excludedNamespaces: string[];
  operations: string[];
  /** matchLabels an object must carry (single resource filter only), and its namespace. */
  objectLabels?: Record<string, string>;
  namespaceLabels?: Record<string, string>;
  /** Why matching cannot be decided statically (preconditions, matchConditions, …), if so. */
  undecidable?: string;
}

export type Overlap =
  | { overlap: 'never'; reason: string }
  | { overlap: 'always' }
  | { overlap: 'maybe'; reason: string };

const namespacedKinds = new Set(['Policy', 'NamespacedValidatingPolicy', 'NamespacedMutatingPolicy', 'NamespacedGeneratingPolicy', 'NamespacedDeletingPolicy', 'NamespacedImageValidatingPolicy']);

export function matchFacts(policy: Policy, rule: Rule): MatchFacts {
  const m = rule.match;
  let namespaces = m.namespaces;
  if (namespacedKinds.has(policy.kind) && policy.namespace) {
    const own = policy.namespace;
    namespaces = namespaces.length === 0 || namespaces.some((p) => wildcardMatch(p, own)) ? [own] : ['\u0000none'];
  }
  const facts: MatchFacts = { kinds: m.kinds, namespaces, excludedNamespaces: m.excludedNamespaces, operations: m.operations };
  if (policy.cls.family === 'kyverno-legacy') legacyDetails(rule.raw, facts);
  else celDetails(rule.raw, facts);
  if (facts.undecidable) facts.undecidable = `${facts.undecidable} of ${policy.name}`;
  return facts;
}

function labelsOf(selector: unknown): Record<string, string> | undefined {
  const labels = asObj(asObj(selector)?.matchLabels);
  if (!labels) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  return out;
}

/**
 * Preconditions that only test the operation (`{{ request.operation || 'BACKGROUND' }}` AnyIn
 * [CREATE, UPDATE]) are as decidable as `operations:`; they narrow the facts.
 */
function operationPreconditions(pre: unknown, facts: MatchFacts): boolean {
  const p = asObj(pre);
  const conditions = p ? [...asArray(p.all), ...asArray(p.any)] : asArray(pre);
  if (conditions.length === 0 || (p && asArray(p.any).length > 1)) return false;
  let ops: string[] | undefined;
  for (const c of conditions.map(asObj)) {
    if (!c || typeof c.key !== 'string' || !/^\{\{\s*request\.operation(\s*\|\|\s*'[A-Z]*')?\s*\}\}$/.test(c.key)) return false;
    const values = (Array.isArray(c.value) ? c.value : [c.value]).filter((v): v is string => typeof v === 'string');
    const op = String(c.operator ?? '');
    let allowed: string[];
    if (/^(AnyIn|AllIn|In|Equals)$/.test(op)) allowed = values;
    else if (/^(AnyNotIn|AllNotIn|NotIn|NotEquals)$/.test(op)) allowed = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].filter((o) => !values.includes(o));
    else return false;
    ops = ops ? ops.filter((o) => allowed.includes(o)) : allowed;
  }
  if (!ops) return false;
  facts.operations = facts.operations.length ? facts.operations.filter((o) => ops!.includes(o)) : ops;
  if (facts.operations.length === 0) facts.operations = ['\u0000none'];
  return true;
}

function legacyDetails(rule: Obj, facts: MatchFacts): void {
  const reasons: string[] = [];
  if (rule.preconditions && !operationPreconditions(rule.preconditions, facts)) reasons.push('preconditions');
  if (rule.celPreconditions) reasons.push('celPreconditions');
  const match = asObj(rule.match) ?? {};
  const filters = [...asArray(match.any), ...asArray(match.all)].map(asObj).filter((f): f is Obj => !!f);
  if (match.resources || match.subjects || match.roles || match.clusterRoles) filters.push(match);
  if (filters.some((f) => f.subjects || f.roles || f.clusterRoles)) reasons.push('match on users/roles');
  const withNames = filters.some((f) => { const r = asObj(f.resources); return r && (r.name || r.names || r.annotations); });
  if (withNames) reasons.push('match on names/annotations');
  const exclude = asObj(rule.exclude);
  if (exclude) {
    const ex = [...asArray(exclude.any), ...asArray(exclude.all)].map(asObj).filter((f): f is Obj => !!f);
    if (exclude.resources || exclude.subjects) ex.push(exclude);
    const beyondNamespaces = ex.some((f) => f.subjects || f.roles || f.clusterRoles || Object.keys(asObj(f.resources) ?? {}).some((k) => k !== 'namespaces'));
    if (beyondNamespaces) reasons.push('exclude block');
  }
  if (filters.length === 1) {
    const resources = asObj(filters[0].resources) ?? {};
    facts.objectLabels = labelsOf(resources.selector);
    facts.namespaceLabels = labelsOf(resources.namespaceSelector);
    if (asObj(resources.selector)?.matchExpressions || asObj(resources.namespaceSelector)?.matchExpressions) reasons.push('selector expressions');
  } else if (filters.some((f) => { const r = asObj(f.resources); return r && (r.selector || r.namespaceSelector); })) {
    reasons.push('label selectors');
  }
  if (reasons.length) facts.undecidable = reasons.join(' and ');
}

const NS = String.raw`(?:object\.metadata\.namespace|request\.namespace)`;
const STR = String.raw`'([^'\\]*)'|"([^"\\]*)"`;
const LABEL = String.raw`object\.metadata\.(?:\??labels)(?:\.\??([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']+)'\s*\]|\[\s*"([^"]+)"\s*\])(?:\.orValue\([^()]*\))?`;

/**
 * The match conditions that are plain namespace or label equalities (`object.metadata.namespace ==
 * 'team-a'`, `request.namespace in ['a', 'b']`, `object.metadata.labels.tier == 'web'`) are as
 * decidable as a namespace list or a selector; they narrow the facts instead of making them "maybe".
 */
function decidableCondition(expression: string, facts: MatchFacts): boolean {
  const e = expression.trim();
  let m = new RegExp(String.raw`^${NS}\s*==\s*(?:${STR})$`).exec(e);
  if (m) return narrowNamespaces(facts, [m[1] ?? m[2]]);
  m = new RegExp(String.raw`^${NS}\s+in\s+\[([^\]]*)\]$`).exec(e);
  if (m) {
    const names = [...m[1].matchAll(new RegExp(STR, 'g'))].map((x) => x[1] ?? x[2]);
    return names.length > 0 && narrowNamespaces(facts, names);
  }
  m = new RegExp(String.raw`^${LABEL}\s*==\s*(?:${STR})$`).exec(e);
  if (m) {
    facts.objectLabels = { ...(facts.objectLabels ?? {}), [m[1] ?? m[2] ?? m[3]]: m[4] ?? m[5] };
    return true;
  }
  return false;
}

function narrowNamespaces(facts: MatchFacts, names: string[]): boolean {
  facts.namespaces = facts.namespaces.length === 0 ? names : names.filter((n) => facts.namespaces.some((p) => wildcardMatch(p, n)));
  if (facts.namespaces.length === 0) facts.namespaces = ['\u0000none'];
  return true;
}

/**
 * namespaceSelector expressions on `kubernetes.io/metadata.name` (set by the API server on every
 * namespace) name namespaces: `In` narrows them, `NotIn` excludes them. False when another
 * expression remains (undecidable).
 */
function namespaceNameExpressions(expressions: unknown, facts: MatchFacts): boolean {
  for (const e of asArray(expressions)) {
    const x = asObj(e);
    const values = asArray(x?.values).filter((v): v is string => typeof v === 'string');
    if (!x || x.key !== 'kubernetes.io/metadata.name' || values.length === 0) return false;
    if (x.operator === 'In') narrowNamespaces(facts, values);
    else if (x.operator === 'NotIn') facts.excludedNamespaces = [...facts.excludedNamespaces, ...values];
    else return false;
  }
  return true;
}

function celDetails(spec: Obj, facts: MatchFacts): void {
  const reasons: string[] = [];
  const conditions = asArray(spec.matchConditions).filter((c) => {
    const expression = asObj(c)?.expression;
    return !(typeof expression === 'string' && decidableCondition(expression, facts));
  });
  if (conditions.length) reasons.push('matchConditions');
  const constraints = asObj(spec.matchConstraints) ?? {};
  if (asArray(constraints.excludeResourceRules).length) reasons.push('excludeResourceRules');
  const selected = labelsOf(constraints.objectSelector);
  if (selected || facts.objectLabels) facts.objectLabels = { ...(selected ?? {}), ...(facts.objectLabels ?? {}) };
  facts.namespaceLabels = labelsOf(constraints.namespaceSelector);
  if (asObj(constraints.objectSelector)?.matchExpressions || !namespaceNameExpressions(asObj(constraints.namespaceSelector)?.matchExpressions, facts)) reasons.push('selector expressions');
  if (reasons.length) facts.undecidable = reasons.join(' and ');
}

/** Can some string match both namespace patterns? Exact for literals; prefix/suffix test for two wildcards. */
export function patternsOverlap(p: string, q: string): boolean {
  if (!hasWildcard(p)) return wildcardMatch(q, p);
  if (!hasWildcard(q)) return wildcardMatch(p, q);
  const lead = (s: string) => s.slice(0, s.search(/[*?]/));
  const tail = (s: string) => s.slice(Math.max(s.lastIndexOf('*'), s.lastIndexOf('?')) + 1);
  const [pl, ql, pt, qt] = [lead(p), lead(q), tail(p), tail(q)];
  return (pl.startsWith(ql) || ql.startsWith(pl)) && (pt.endsWith(qt) || qt.endsWith(pt));
}

function excludedAll(namespaces: string[], excluded: string[]): boolean {
  if (namespaces.length === 0 || excluded.length === 0) return false;
  return namespaces.every((ns) => excluded.some((ex) => (hasWildcard(ns) ? ex === '*' || ex === ns : wildcardMatch(ex, ns))));
}

function labelsClash(a?: Record<string, string>, b?: Record<string, string>): string | undefined {
  if (!a || !b) return undefined;
  for (const [k, v] of Object.entries(a)) if (k in b && b[k] !== v) return `${k}=${v} vs ${k}=${b[k]}`;
  return undefined;
}

export function kindsOverlap(a: string[], b: string[]): string[] {
  const aa = a.length ? a : ['*'];
  const bb = b.length ? b : ['*'];
  if (aa.includes('*')) return bb;
  if (bb.includes('*')) return aa;
  const set = new Set(bb);
  return aa.filter((k) => set.has(k));
}

/** Kinds are decided by the join (rules meet in a kind bucket); this decides everything else. */
export function overlapOf(a: MatchFacts, b: MatchFacts): Overlap {
  if (a.namespaces.length && b.namespaces.length && !a.namespaces.some((p) => b.namespaces.some((q) => patternsOverlap(p, q)))) {
    return { overlap: 'never', reason: `namespaces ${a.namespaces.join(', ')} and ${b.namespaces.join(', ')} are disjoint` };
  }
  if (excludedAll(a.namespaces, a.excludedNamespaces) || excludedAll(b.namespaces, b.excludedNamespaces)) {
    return { overlap: 'never', reason: 'a rule excludes every namespace it matches' };
  }
  if (excludedAll(a.namespaces, b.excludedNamespaces) || excludedAll(b.namespaces, a.excludedNamespaces)) {
    return { overlap: 'never', reason: 'one rule excludes every namespace the other matches' };
  }
  if (a.operations.length && b.operations.length && !a.operations.some((o) => b.operations.includes(o))) {
    return { overlap: 'never', reason: `operations ${a.operations.join(', ')} and ${b.operations.join(', ')} are disjoint` };
  }
  const clash = labelsClash(a.objectLabels, b.objectLabels) ?? labelsClash(a.namespaceLabels, b.namespaceLabels);
  if (clash) return { overlap: 'never', reason: `their selectors are mutually exclusive (${clash})` };
  const undecidable = [a.undecidable, b.undecidable].filter(Boolean);
  if (undecidable.length) return { overlap: 'maybe', reason: undecidable.join('; ') };
  return { overlap: 'always' };
}
