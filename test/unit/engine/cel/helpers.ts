import type { AdmissionContext } from '../../../../server/src/engine/types.ts';

export const pod = (name: string, extra: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...extra },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
});

export const deployment = (name: string, podSpec: Record<string, unknown> = {}, labels: Record<string, string> = { app: name }): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...podSpec } } },
});

export const create: AdmissionContext = { operation: 'CREATE', namespaceLabels: {} };

export function vpol(spec: Record<string, unknown>, name = 'p'): Record<string, unknown> {
  return { apiVersion: 'policies.kyverno.io/v1alpha1', kind: 'ValidatingPolicy', metadata: { name }, spec };
}

export const podRules = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] };
