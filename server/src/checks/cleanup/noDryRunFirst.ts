import type { Check } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';

/** A label/namespace selector that keeps only some objects (NotIn/DoesNotExist alone exclude a few and keep the rest). */
function selects(selector: unknown): boolean {
  const s = asObj(selector);
  if (!s) return false;
  if (asObj(s.matchLabels) && Object.keys(asObj(s.matchLabels)!).length) return true;
  return asArray(s.matchExpressions).some((e) => ['In', 'Exists'].includes(String(asObj(e)?.operator)));
}

/** Legacy `match` resource filter: does it cover every kind, or every namespace (cluster-scoped policies)? */
function broadLegacyFilter(filter: Obj, clusterScoped: boolean): string | undefined {
  const resources = asObj(filter.resources) ?? {};
  const kinds = asArray(resources.kinds).map(String);
  if (kinds.some((k) => k === '*' || k.endsWith('/*'))) return 'every kind';
  if (!clusterScoped) return undefined;
  if (asArray(resources.namespaces).length || asArray(resources.names).length || resources.name) return undefined;
  if (selects(resources.namespaceSelector) || selects(resources.selector)) return undefined;
  return 'every namespace';
}

function legacyBreadth(spec: Obj, clusterScoped: boolean): string | undefined {
  const match = asObj(spec.match) ?? {};
  const any = asArray(match.any).map((f) => broadLegacyFilter(asObj(f) ?? {}, clusterScoped));
  const all = asArray(match.all).map((f) => broadLegacyFilter(asObj(f) ?? {}, clusterScoped));
  if (any.length && any.some(Boolean)) return any.find(Boolean);
  if (all.length && all.every(Boolean)) return all[0];
  if (!any.length && !all.length && asObj(match.resources)) return broadLegacyFilter(match, clusterScoped);
  return undefined;
}

function celBreadth(spec: Obj, clusterScoped: boolean): string | undefined {
  const constraints = asObj(spec.matchConstraints) ?? {};
  const rules = asArray(constraints.resourceRules).map((r) => asObj(r) ?? {});
  if (rules.some((r) => asArray(r.resources).map(String).some((x) => x === '*' || x === '*/*'))) return 'every kind';
  if (!clusterScoped) return undefined;
  if (selects(constraints.namespaceSelector) || selects(constraints.objectSelector)) return undefined;
  if (rules.some((r) => asArray(r.resourceNames).length)) return undefined;
  return 'every namespace';
}

/**
 * A CleanupPolicy/ClusterCleanupPolicy or DeletingPolicy that matches every kind or every namespace
 * and has no conditions: on its first schedule it deletes everything it matches, with no way back.
 */
export const noDryRunFirstCheck: Check = {
  id: 'cleanup/no-dry-run-first',
  title: 'Cleanup/deleting policy with a broad match and no conditions',
  severity: 'warning',
  checkDocument(ctx) {
    const cls = ctx.document.cls;
    const spec = asObj(asObj(ctx.document.yaml.value)?.spec);
    if (!cls || !spec) return;
    let breadth: string | undefined;
    let at: Path;
    if (cls.family === 'kyverno-legacy' && (cls.kind === 'CleanupPolicy' || cls.kind === 'ClusterCleanupPolicy')) {
      if (spec.conditions !== undefined && spec.conditions !== null && JSON.stringify(spec.conditions) !== '{}') return;
      breadth = legacyBreadth(spec, cls.kind === 'ClusterCleanupPolicy');
      at = ['spec', 'match'];
    } else if (cls.family === 'kyverno-cel' && (cls.kind === 'DeletingPolicy' || cls.kind === 'NamespacedDeletingPolicy')) {
      if (asArray(spec.conditions).length) return;
      breadth = celBreadth(spec, cls.kind === 'DeletingPolicy');
      at = ['spec', 'matchConstraints'];
    } else return;
    if (!breadth) return;
    ctx.report(
      { file: ctx.file.file, span: ctx.spanOf(at, 'key') },
      `This ${cls.kind} matches ${breadth} and has no conditions: at its first schedule it deletes every matching object, with no dry run and no way back. Narrow the match (namespaces, selectors) and add conditions, and check first what it would delete (e.g. the same match in an Audit ValidatingPolicy, or kyverno apply against a cluster export).`,
    );
  },
};
