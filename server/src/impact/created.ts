// What the controllers create from a workload, and who asks for it: the admission requests Kyverno
// sees after the workload itself is admitted. Shared by workload/blocked-by-policy and the Enforce
// impact preview, so both judge the same Pods.
import { asObj, type Obj } from '../k8s/objects.ts';
import type { AdmissionContext } from '../engine/types.ts';
import type { Resource } from '../model/types.ts';

/** One object a controller creates, with the controller (a kube-system service account) that creates it. */
export interface Created {
  kind: 'Job' | 'ReplicaSet' | 'Pod';
  object: Obj;
  controller: string;
}

/** The workload kinds whose controllers create objects, with what they create first. */
export const CREATES: Readonly<Record<string, { kind: Created['kind']; controller: string }>> = {
  CronJob: { kind: 'Job', controller: 'cronjob-controller' },
  Job: { kind: 'Pod', controller: 'job-controller' },
  Deployment: { kind: 'ReplicaSet', controller: 'deployment-controller' },
  ReplicaSet: { kind: 'Pod', controller: 'replicaset-controller' },
  StatefulSet: { kind: 'Pod', controller: 'statefulset-controller' },
  DaemonSet: { kind: 'Pod', controller: 'daemon-set-controller' },
  ReplicationController: { kind: 'Pod', controller: 'replication-controller' },
};

const owner = (apiVersion: string, kind: string, name: unknown) => [{ apiVersion, kind, name, controller: true, blockOwnerDeletion: true }];
const namespaceOf = (metadata: Obj) => (metadata.namespace !== undefined ? { namespace: metadata.namespace } : {});

/** What the CronJob controller creates at each run: the Job from `jobTemplate`, owned by the CronJob. */
export function jobOf(cronJob: Obj): Obj {
  const metadata = asObj(cronJob.metadata) ?? {};
  const template = asObj(asObj(cronJob.spec)?.jobTemplate) ?? {};
  const templateMeta = asObj(template.metadata) ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...templateMeta, name: `${String(metadata.name ?? 'cronjob')}-29000000`, ...namespaceOf(metadata), ownerReferences: owner('batch/v1', 'CronJob', metadata.name) },
    spec: asObj(template.spec) ?? {},
  };
}

/** What the Deployment controller creates: a ReplicaSet with the template, its labels and the template hash. */
export function replicaSetOf(deployment: Obj): Obj {
  const metadata = asObj(deployment.metadata) ?? {};
  const spec = asObj(deployment.spec) ?? {};
  const template = asObj(spec.template) ?? {};
  const templateMeta = asObj(template.metadata) ?? {};
  const labels = { ...(asObj(templateMeta.labels) ?? {}), 'pod-template-hash': '5d8f7c9b6' };
  const selector = asObj(spec.selector) ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${String(metadata.name ?? 'deployment')}-5d8f7c9b6`, ...namespaceOf(metadata), labels, ...(metadata.annotations ? { annotations: metadata.annotations } : {}), ownerReferences: owner('apps/v1', 'Deployment', metadata.name) },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { ...selector, matchLabels: { ...(asObj(selector.matchLabels) ?? {}), 'pod-template-hash': '5d8f7c9b6' } },
      template: { ...template, metadata: { ...templateMeta, labels } },
    },
  };
}

/** The labels and name a controller gives the Pods it creates, besides the template's. */
function podIdentity(kind: string, name: string): { name: string; labels: Record<string, string> } {
  switch (kind) {
    case 'Job':
      return { name: `${name}-x7k2p`, labels: { 'batch.kubernetes.io/job-name': name, 'job-name': name } };
    case 'StatefulSet':
      return { name: `${name}-0`, labels: { 'controller-revision-hash': `${name}-6b9d7c8f5`, 'statefulset.kubernetes.io/pod-name': `${name}-0`, 'apps.kubernetes.io/pod-index': '0' } };
    case 'DaemonSet':
      return { name: `${name}-x7k2p`, labels: { 'controller-revision-hash': '6b9d7c8f5', 'pod-template-generation': '1' } };
    default:
      return { name: `${name}-x7k2p`, labels: {} };
  }
}

/** What a Pod controller (Job, ReplicaSet, StatefulSet, DaemonSet, ReplicationController) creates: the Pod from its template. */
export function podOf(workload: Obj): Obj {
  const kind = String(workload.kind ?? 'Job');
  const metadata = asObj(workload.metadata) ?? {};
  const template = asObj(asObj(workload.spec)?.template) ?? {};
  const templateMeta = asObj(template.metadata) ?? {};
  const name = String(metadata.name);
  const identity = podIdentity(kind, name);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...templateMeta,
      name: identity.name,
      ...namespaceOf(metadata),
      labels: { ...(asObj(templateMeta.labels) ?? {}), ...identity.labels },
      ownerReferences: owner(String(workload.apiVersion ?? (kind === 'Job' ? 'batch/v1' : 'apps/v1')), kind, metadata.name),
    },
    spec: asObj(template.spec) ?? {},
  };
}

/** The object a workload's controller creates next (the Job of a CronJob, the ReplicaSet of a Deployment, a Pod), or undefined. */
export function createdBy(workload: Obj): Created | undefined {
  const step = CREATES[String(workload.kind)];
  if (!step) return undefined;
  const object = step.kind === 'Job' ? jobOf(workload) : step.kind === 'ReplicaSet' ? replicaSetOf(workload) : podOf(workload);
  return { kind: step.kind, object, controller: step.controller };
}

/** The requests come from controllers in kube-system, not from the user who applied the workload. */
export function asController(name: string, base: AdmissionContext): AdmissionContext {
  return {
    ...base,
    userInfo: { username: `system:serviceaccount:kube-system:${name}`, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  };
}

/** A CREATE in the object's namespace, with the labels of that Namespace when the workspace has it. */
export function namespaceContext(namespaces: ReadonlyMap<string, Resource>, namespace: string | undefined): AdmissionContext {
  const ns = namespace ?? 'default';
  const object = namespaces.get(ns)?.raw;
  const labels = { ...((asObj(asObj(object?.metadata)?.labels) ?? {}) as Record<string, string>), 'kubernetes.io/metadata.name': ns };
  return { operation: 'CREATE', namespaceLabels: labels, namespaceObject: object ?? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } } };
}
