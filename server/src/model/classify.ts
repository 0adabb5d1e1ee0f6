import type { DocClass, LegacyKind, CelPolicyKind, AdmissionKind } from './types.ts';

const legacyKinds = new Set<LegacyKind>(['ClusterPolicy', 'Policy', 'CleanupPolicy', 'ClusterCleanupPolicy', 'PolicyException', 'GlobalContextEntry', 'UpdateRequest']);
const celKinds = new Set<CelPolicyKind>([
  'ValidatingPolicy', 'NamespacedValidatingPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy',
  'GeneratingPolicy', 'NamespacedGeneratingPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy',
  'ImageValidatingPolicy', 'NamespacedImageValidatingPolicy', 'PolicyException',
]);
const admissionKinds = new Set<AdmissionKind>(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding']);
const cliKinds = new Set(['Test', 'Values', 'UserInfo', 'Context', 'ClusterResource']);

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * Decides what a document is from apiVersion and kind alone; anything without both, or without
 * metadata for a Kubernetes object, is not ours and is ignored silently (undefined).
 */
export function classify(value: unknown): DocClass | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const doc = value as Record<string, unknown>;
  const { apiVersion, kind } = doc;
  if (typeof kind !== 'string' || kind === '') {
    // kyverno-test.yaml files written before cli.kyverno.io had a `name` and `policies` but no kind.
    if (apiVersion === undefined && typeof doc.name === 'string' && Array.isArray(doc.policies) && Array.isArray(doc.resources)) {
      return { family: 'kyverno-cli', kind: 'Test', group: 'cli.kyverno.io', version: 'legacy' };
    }
    return undefined;
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') return undefined;
  const { group, version } = splitApiVersion(apiVersion);
  if (group === 'kyverno.io' && legacyKinds.has(kind as LegacyKind)) return { family: 'kyverno-legacy', kind: kind as LegacyKind, group, version };
  if (group === 'policies.kyverno.io' && celKinds.has(kind as CelPolicyKind)) return { family: 'kyverno-cel', kind: kind as CelPolicyKind, group, version };
  if (group === 'admissionregistration.k8s.io' && admissionKinds.has(kind as AdmissionKind)) return { family: 'k8s-admission', kind: kind as AdmissionKind, group, version };
  if (group === 'cli.kyverno.io' && cliKinds.has(kind)) return { family: 'kyverno-cli', kind: kind as 'Test', group, version };
  if (!doc.metadata || typeof doc.metadata !== 'object') return undefined;
  return { family: 'resource', kind, group, version };
}

export function isPolicyClass(cls: DocClass): boolean {
  if (cls.family === 'kyverno-cel') return cls.kind !== 'PolicyException';
  if (cls.family === 'kyverno-legacy') return cls.kind === 'ClusterPolicy' || cls.kind === 'Policy' || cls.kind === 'CleanupPolicy' || cls.kind === 'ClusterCleanupPolicy';
  if (cls.family === 'k8s-admission') return !cls.kind.endsWith('Binding');
  return false;
}
