// Built-in resources as the API server names them (group, version, plural, scope), from
// schemas/k8s/resources.json (generated from @kubernetes/client-node's API classes).
import resourcesJson from '../../../schemas/k8s/resources.json' with { type: 'json' };

export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const resources = resourcesJson as ResourceInfo[];

const matches = (pattern: string, value: string) => pattern === '*' || pattern === value;

/**
 * Kinds served as `group/version/plural`, each of the three may be '*' (matchConstraints' wildcard).
 * Subresources ('pods/status') and unknown resources (CRDs) give [].
 */
export function kindsForResource(group: string, version: string, plural: string): string[] {
  const kinds = new Set<string>();
  for (const r of resources) {
    if (matches(group, r.group) && matches(version, r.version) && matches(plural, r.plural)) kinds.add(r.kind);
  }
  return [...kinds];
}

/**
 * The resource of a built-in kind. A kind served by several groups or versions (Event,
 * HorizontalPodAutoscaler) resolves to `apiVersion`'s when given, else to the core group's, else to
 * the most stable version (v1 before v1beta1 before v1alpha1).
 */
export function resourceForKind(kind: string, apiVersion?: string): ResourceInfo | undefined {
  const candidates = resources.filter((r) => r.kind === kind);
  if (apiVersion !== undefined) {
    return candidates.find((r) => (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion);
  }
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

function rank(r: ResourceInfo): number {
  const stability = /^v\d+$/.test(r.version) ? 0 : /beta/.test(r.version) ? 1 : 2;
  const major = Number(/^v(\d+)/.exec(r.version)?.[1] ?? 0);
  return (r.group === '' ? 0 : 1000) + stability * 100 - major;
}

/** Whether a built-in kind lives in a namespace; undefined for kinds the model does not know. */
export function isNamespaced(kind: string, apiVersion?: string): boolean | undefined {
  return resourceForKind(kind, apiVersion)?.namespaced;
}

export function allResources(): readonly ResourceInfo[] {
  return resources;
}
