// ConfigMaps a policy reads at admission (`context: configMap`, an apiCall GET of
// `/api/v1/namespaces/<ns>/configmaps/<name>`, CEL `resource.Get("v1", "configmaps", ns, name)`),
// resolved from the workspace by namespace and name. Simulations read only these; a ConfigMap
// the workspace lacks is reported as missing (hover), never guessed.
import type { Resource } from '../model/types.ts';
import { markdownCode } from '../escape.ts';

type Obj = Record<string, unknown>;

/** One ConfigMap a rule names; undefined parts are computed from the request (`{{request.namespace}}`). */
export interface ConfigMapRef {
  namespace?: string;
  name?: string;
}

const CONFIGMAP_URL = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/?]+)$/;
const CEL_GET = /resource\.Get\(\s*"v1"\s*,\s*"configmaps"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*\)/g;
const MAX_REFS = 20;

/** The ConfigMaps named under `node` (a rule, a policy, one context entry), a bounded few. */
export function configMapRefs(node: unknown): ConfigMapRef[] {
  const out: ConfigMapRef[] = [];
  const fixed = (v: unknown): string | undefined => (typeof v === 'string' && !v.includes('{{') ? v : undefined);
  const visit = (n: unknown, depth: number): void => {
    if (depth > 40 || out.length >= MAX_REFS || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach((x) => visit(x, depth + 1));
    const o = n as Obj;
    const cm = o.configMap as Obj | undefined;
    if (cm && typeof cm === 'object' && cm.name !== undefined) out.push({ namespace: fixed(cm.namespace), name: fixed(cm.name) });
    const call = o.apiCall as Obj | undefined;
    const url = call && typeof call.urlPath === 'string' ? CONFIGMAP_URL.exec(call.urlPath.trim()) : null;
    if (url) out.push({ namespace: fixed(url[1]), name: fixed(url[2]) });
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && (k === 'expression' || k === 'jmesPath')) {
        for (const m of v.matchAll(CEL_GET)) out.push({ namespace: m[1], name: m[2] });
      } else visit(v, depth + 1);
    }
  };
  visit(node, 0);
  return out.slice(0, MAX_REFS);
}

export function matchesRef(ref: ConfigMapRef, r: Resource): boolean {
  return r.kind === 'ConfigMap' && (ref.name === undefined || ref.name === r.name) && (ref.namespace === undefined || ref.namespace === (r.namespace ?? ''));
}

/** The workspace ConfigMaps that the policy documents name, as the engine's supplied resources. */
export function configMapsNamedBy(docs: unknown[], configMaps: readonly Resource[]): Record<string, unknown>[] {
  const refs = docs.flatMap((d) => configMapRefs(d));
  if (!refs.length) return [];
  return configMaps.filter((r) => refs.some((ref) => matchesRef(ref, r))).slice(0, 50).map((r) => r.raw);
}

/** `kube-system/kubeadm-config`, `<request namespace>/settings` */
export function showRef(ref: ConfigMapRef): string {
  return `${ref.namespace ?? '<computed namespace>'}/${ref.name ?? '<computed name>'}`;
}

/**
 * Hover text for a context entry that reads a ConfigMap: where the workspace defines it, or that
 * it does not (simulations then leave the rule undecided).
 */
export function configMapHoverMarkdown(entry: unknown, configMaps: readonly Resource[], where: (r: Resource) => string): string | undefined {
  const refs = configMapRefs(entry);
  if (!refs.length) return undefined;
  return refs
    .map((ref) => {
      const found = configMaps.filter((r) => matchesRef(ref, r));
      if (found.length) return `Reads ConfigMap ${markdownCode(showRef(ref))}: defined in the workspace (${found.slice(0, 3).map(where).join(', ')}); conflict simulations and the Admission Preview use its data.`;
      return `Reads ConfigMap ${markdownCode(showRef(ref))}: **not in the workspace**. Kyverno reads it from the cluster at admission; simulations that need it leave this rule undecided rather than guess its data.`;
    })
    .join('\n\n');
}
