import type { Check, DocumentCheckContext } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { asObj, type Obj } from '../../k8s/objects.ts';
import { isNamespaced } from '../../k8s/discovery.ts';
import { kindName } from '../../model/matchSummary.ts';
import { kindsForPlural } from '../../model/pluralKinds.ts';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** A selector that constrains something (`{}` selects everything and is not a mistake of this kind). */
function selects(selector: unknown): boolean {
  const s = asObj(selector);
  return !!s && (Object.keys(asObj(s.matchLabels) ?? {}).length > 0 || (Array.isArray(s.matchExpressions) && s.matchExpressions.length > 0));
}

/** Whether a selector holds for an object without labels: only NotIn and DoesNotExist requirements do. */
function holdsForNoLabels(selector: Obj): boolean {
  if (Object.keys(asObj(selector.matchLabels) ?? {}).length > 0) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return expressions.every((e) => ['NotIn', 'DoesNotExist'].includes(String(asObj(e)?.operator)));
}

/** Every kind cluster-scoped (known to the discovery table); undefined when a kind is '*', a CRD or namespaced. */
function clusterScoped(kinds: string[]): string[] | undefined {
  if (kinds.length === 0) return undefined;
  return kinds.every((k) => k !== '*' && isNamespaced(k) === false) ? kinds : undefined;
}

const list = (kinds: string[]) => [...new Set(kinds)].join(', ');
const orList = (kinds: string[]) => {
  const unique = [...new Set(kinds)];
  return unique.length > 1 ? `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}` : unique[0];
};

/**
 * Kyverno has two matchers, and they part on Namespace objects. Rules go through the engine's
 * (pkg/engine/utils/match.go, doesResourceMatchConditionBlock): a filter with a namespaceSelector
 * never matches a Namespace. Cleanup policies go through pkg/utils/match (checkResourceDescription),
 * which skips the selector for a Namespace, so the filter matches it whatever its labels. Both
 * evaluate the selector for other cluster-scoped objects against the labels of no namespace.
 */
function namespacePart(clause: 'match' | 'exclude', cleanup: boolean, wildcard: boolean): string {
  if (cleanup) {
    return clause === 'match'
      ? 'Kyverno\'s cleanup matching skips a namespaceSelector for Namespace objects, so this filter matches every Namespace whatever its labels (to select Namespaces by their own labels, use `selector`)'
      : 'Kyverno\'s cleanup matching skips a namespaceSelector for Namespace objects, so this exclude applies to every Namespace whatever its labels (to exclude Namespaces by their own labels, use `selector`)';
  }
  const covered = wildcard ? '`*` does not cover Namespace objects here: ' : '';
  return clause === 'match'
    ? `${covered}Kyverno's rule matching fails a filter with a namespaceSelector for every Namespace object, so this filter never matches a Namespace itself, whatever its labels (to select Namespaces by their own labels, add a filter with kinds [Namespace] and \`selector\`)`
    : `${covered}Kyverno's rule matching fails a filter with a namespaceSelector for every Namespace object, so this exclude never excludes a Namespace itself, whatever its labels (to exclude Namespaces by their own labels, use \`selector\`)`;
}

function legacyMessage(kinds: string[], selector: Obj, clause: 'match' | 'exclude', wildcard: boolean, cleanup: boolean): string {
  const namespaces = kinds.filter((k) => k === 'Namespace');
  const others = kinds.filter((k) => k !== 'Namespace');
  const parts: string[] = [];
  if (namespaces.length || wildcard) parts.push(namespacePart(clause, cleanup, wildcard));
  if (others.length) {
    const holds = holdsForNoLabels(selector);
    const effect = clause === 'match'
      ? (holds ? `the rule applies to every ${orList(others)}, cluster-wide` : `this filter never matches any ${orList(others)}`)
      : (holds ? `this exclude applies to every ${orList(others)}` : `this exclude never excludes any ${orList(others)}`);
    parts.push(`${list(others)} ${others.length > 1 ? 'are' : 'is'} cluster-scoped: Kyverno evaluates the namespaceSelector against the labels of no namespace (an empty set), which it ${holds ? 'always matches' : 'never matches'}, so ${effect}`);
  }
  return `This namespaceSelector does not select what it seems to. ${parts.join('. ')}.`;
}

/** `owner` holds match/exclude: a rule of a ClusterPolicy, or a cleanup policy's spec. */
function checkLegacy(ctx: DocumentCheckContext, owners: { owner: Obj; at: Path }[], cleanup: boolean): void {
  for (const { owner, at: ownerAt } of owners) {
    for (const clause of ['match', 'exclude'] as const) {
      const block = asObj(owner[clause]);
      if (!block) continue;
      const filters: { resources: Obj | undefined; at: Path }[] = [];
      const base: Path = [...ownerAt, clause];
      if (block.resources) filters.push({ resources: asObj(block.resources), at: [...base, 'resources'] });
      for (const key of ['any', 'all'] as const) {
        (Array.isArray(block[key]) ? block[key] : []).forEach((entry, i) => filters.push({ resources: asObj(asObj(entry)?.resources), at: [...base, key, i, 'resources'] }));
      }
      for (const { resources, at } of filters) {
        const selector = asObj(resources?.namespaceSelector);
        if (!resources || !selector || !selects(selector)) continue;
        const named = strings(resources.kinds).map(kindName);
        const kinds = clusterScoped(named);
        // Namespace objects part from the selector even beside namespaced kinds or under `*`.
        const wildcard = !kinds && named.includes('*');
        if (kinds) ctx.report({ file: ctx.file.file, span: ctx.spanOf([...at, 'namespaceSelector'], 'key') }, legacyMessage(kinds, selector, clause, false, cleanup));
        else if (wildcard || named.includes('Namespace')) ctx.report({ file: ctx.file.file, span: ctx.spanOf([...at, 'namespaceSelector'], 'key') }, legacyMessage(wildcard ? [] : ['Namespace'], selector, clause, wildcard, cleanup));
      }
    }
  }
}

/** matchConstraints kinds; undefined when a resource is '*' or not a built-in one. */
function constraintKinds(constraints: Obj): string[] | undefined {
  const kinds: string[] = [];
  for (const raw of Array.isArray(constraints.resourceRules) ? constraints.resourceRules : []) {
    const rule = asObj(raw);
    if (!rule) continue;
    const groups = strings(rule.apiGroups);
    for (const resource of strings(rule.resources)) {
      const plural = resource.split('/')[0];
      if (plural === '*') return undefined;
      for (const group of groups.length ? groups : ['']) kinds.push(...kindsForPlural(group, plural));
    }
  }
  return kinds;
}

/**
 * A namespaceSelector that cannot narrow what its policy or rule matches, because every kind it
 * governs is cluster-scoped (Namespace objects are the special case each family treats its own way).
 */
export const namespaceSelectorIneffectiveCheck: Check = {
  id: 'safety/namespace-selector-ineffective',
  title: 'namespaceSelector on cluster-scoped kinds only',
  severity: 'warning',
  checkDocument(ctx) {
    const policy = ctx.document.policy;
    if (!policy) return;
    const spec = asObj(policy.raw.spec) ?? {};
    if (policy.cls.family === 'kyverno-legacy') {
      if (policy.cls.kind === 'ClusterPolicy' || policy.cls.kind === 'Policy') {
        const rules = Array.isArray(spec.rules) ? spec.rules : [];
        checkLegacy(ctx, rules.flatMap((raw, index) => (asObj(raw) ? [{ owner: asObj(raw)!, at: ['spec', 'rules', index] }] : [])), false);
      } else if (policy.cls.kind === 'CleanupPolicy' || policy.cls.kind === 'ClusterCleanupPolicy') {
        checkLegacy(ctx, [{ owner: spec, at: ['spec'] }], true);
      }
      return;
    }
    // CEL kinds and the API server's admission policies (bindings name their policy's kinds elsewhere).
    if (policy.cls.family !== 'kyverno-cel' && !(policy.cls.family === 'k8s-admission' && !policy.cls.kind.endsWith('Binding'))) return;
    const constraints = asObj(spec.matchConstraints);
    if (!constraints || !selects(constraints.namespaceSelector)) return;
    const kinds = clusterScoped(constraintKinds(constraints) ?? []);
    // A Namespace is matched by its own labels: the selector then does select something.
    if (!kinds || kinds.includes('Namespace')) return;
    ctx.report(
      { file: ctx.file.file, span: ctx.spanOf(['spec', 'matchConstraints', 'namespaceSelector'], 'key') },
      `This namespaceSelector has no effect: ${list(kinds)} ${kinds.length > 1 ? 'are' : 'is'} cluster-scoped, and a namespaceSelector never skips a cluster-scoped object other than a Namespace (the API server's matching, which Kyverno's CEL policies follow), so the policy applies to every ${orList(kinds)}, cluster-wide. Narrow it with objectSelector or matchConditions instead.`,
    );
  },
};
