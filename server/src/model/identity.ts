import type { Policy } from './types.ts';

const NAMESPACED_KINDS = new Set(['Policy', 'CleanupPolicy', 'NamespacedValidatingPolicy', 'NamespacedMutatingPolicy', 'NamespacedGeneratingPolicy', 'NamespacedDeletingPolicy', 'NamespacedImageValidatingPolicy']);

export function isNamespacedPolicyKind(kind: string): boolean {
  return NAMESPACED_KINDS.has(kind);
}

/**
 * What the API server keys a policy by: group, kind, name, and the namespace for namespaced kinds
 * (an empty one is the namespace `kubectl apply` is pointed at: the same for every document that
 * leaves it out). Undefined for a policy without a name (nothing to collide on).
 */
export function policyIdentity(policy: Policy): string | undefined {
  if (!policy.name) return undefined;
  const namespace = NAMESPACED_KINDS.has(policy.kind) ? (policy.namespace ?? '') : '';
  return `${policy.cls.group}\u0000${policy.kind}\u0000${namespace}\u0000${policy.name}`;
}
