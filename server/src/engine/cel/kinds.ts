// Resource identity for matchConstraints: which (group, version, plural) an object is and whether
// it is namespaced, from the discovery table generated from the Kubernetes model. Kinds it does not
// know (CRDs) get the regular lower-case plural, which is how CRDs name their resources.
import { splitApiVersion } from '../../model/classify.ts';
import { resourceForKind } from '../../k8s/discovery.ts';

export interface ResourceIdentity {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean | undefined;
}

/** Request kinds of Pod subresources: they arrive as the parent resource plus a subresource. */
const subresourceKinds: Record<string, string> = {
  PodExecOptions: 'pods/exec',
  PodAttachOptions: 'pods/attach',
  PodPortForwardOptions: 'pods/portforward',
  PodProxyOptions: 'pods/proxy',
  Eviction: 'pods/eviction',
  Binding: 'pods/binding',
};

export function regularPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

export function identityOf(resource: Record<string, unknown>): ResourceIdentity {
  const apiVersion = String(resource.apiVersion ?? '');
  const { group, version } = splitApiVersion(apiVersion);
  const kind = String(resource.kind ?? '');
  const sub = subresourceKinds[kind];
  if (sub) return { group, version, plural: sub, namespaced: true };
  const known = resourceForKind(kind, apiVersion) ?? (group === '' || /\.k8s\.io$|^(apps|batch|policy|autoscaling)$/.test(group) ? resourceForKind(kind) : undefined);
  if (known) return { group, version, plural: known.plural, namespaced: known.namespaced };
  const meta = resource.metadata as Record<string, unknown> | undefined;
  return { group, version, plural: regularPlural(kind), namespaced: meta?.namespace ? true : undefined };
}
