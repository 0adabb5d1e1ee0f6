// Field paths as the conflict join sees them: the path in the object of one kind (autogen moves a
// Pod rule's `spec.x` to `spec.template.spec.x` on a Deployment), and the Pod-form path of a
// pod template so that invariants (security contexts, resources) read the same on every kind.

import { WORKLOAD_KINDS, podTemplatePath } from '../k8s/workloads.ts';

/** Where the pod template lives in a Pod controller. */
const podTemplatePrefix: Record<string, string[]> = Object.fromEntries([...WORKLOAD_KINDS].map((kind) => [kind, podTemplatePath(kind)!]));

export function isPodLike(kind: string): boolean {
  return kind in podTemplatePrefix;
}

/** A Pod path written by a legacy Pod rule, as autogen applies it to a controller kind. */
export function autogenPath(kind: string, podPath: string[]): string[] {
  const prefix = podTemplatePrefix[kind];
  if (!prefix || prefix.length === 0) return podPath;
  return [...prefix, ...podPath];
}

/** The Pod-form path of a field of a pod template on a Pod or controller (undefined outside the template). */
export function podFormPath(kind: string, path: string[]): string[] | undefined {
  const prefix = podTemplatePrefix[kind];
  if (!prefix) return undefined;
  if (prefix.some((seg, i) => path[i] !== seg)) return undefined;
  return path.slice(prefix.length);
}

/** The join key of a path (segments may contain dots: `app.kubernetes.io/name`). */
export function pathKey(path: string[]): string {
  return path.join('\u0000');
}

/** `spec.containers[*].securityContext.runAsUser`, `metadata.labels["app.kubernetes.io/name"]`. */
export function displayPath(path: string[]): string {
  let out = '';
  for (const seg of path) {
    if (seg === '*') out += '[*]';
    else if (seg.includes('=')) out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Kinds in the order a witness is preferred: a Pod explains a conflict best. */
export function witnessRank(kind: string): number {
  if (kind === 'Pod') return 0;
  if (isPodLike(kind)) return 1;
  if (kind === '*') return 3;
  return 2;
}

/** 'a Pod', 'an Ingress', 'any object' */
export function witnessName(kind: string): string {
  if (kind === '*') return 'any object';
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}
