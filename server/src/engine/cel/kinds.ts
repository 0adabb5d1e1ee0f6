// Resource identity for matchConstraints: which (group, version, plural) an object is, and whether
// it is namespaced. The discovery table generated from the Kubernetes model (k8s/discovery.ts) is
// the source of truth once present; until then this fallback covers the built-in kinds, and other
// kinds get the regular lower-case plural, which is how CRDs name their resources.
import { splitApiVersion } from '../../model/classify.ts';

export interface ResourceIdentity {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean | undefined;
}

const builtin: Record<string, { plural: string; namespaced: boolean }> = {
  Pod: { plural: 'pods', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Endpoints: { plural: 'endpoints', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  Secret: { plural: 'secrets', namespaced: true },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  PersistentVolumeClaim: { plural: 'persistentvolumeclaims', namespaced: true },
  PersistentVolume: { plural: 'persistentvolumes', namespaced: false },
  Namespace: { plural: 'namespaces', namespaced: false },
  Node: { plural: 'nodes', namespaced: false },
  LimitRange: { plural: 'limitranges', namespaced: true },
  ResourceQuota: { plural: 'resourcequotas', namespaced: true },
  ReplicationController: { plural: 'replicationcontrollers', namespaced: true },
  Event: { plural: 'events', namespaced: true },
  PodTemplate: { plural: 'podtemplates', namespaced: true },
  Deployment: { plural: 'deployments', namespaced: true },
  StatefulSet: { plural: 'statefulsets', namespaced: true },
  DaemonSet: { plural: 'daemonsets', namespaced: true },
  ReplicaSet: { plural: 'replicasets', namespaced: true },
  Job: { plural: 'jobs', namespaced: true },
  CronJob: { plural: 'cronjobs', namespaced: true },
  Ingress: { plural: 'ingresses', namespaced: true },
  IngressClass: { plural: 'ingressclasses', namespaced: false },
  NetworkPolicy: { plural: 'networkpolicies', namespaced: true },
  PodDisruptionBudget: { plural: 'poddisruptionbudgets', namespaced: true },
  HorizontalPodAutoscaler: { plural: 'horizontalpodautoscalers', namespaced: true },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  StorageClass: { plural: 'storageclasses', namespaced: false },
  PriorityClass: { plural: 'priorityclasses', namespaced: false },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
  ValidatingWebhookConfiguration: { plural: 'validatingwebhookconfigurations', namespaced: false },
  MutatingWebhookConfiguration: { plural: 'mutatingwebhookconfigurations', namespaced: false },
  PodExecOptions: { plural: 'pods/exec', namespaced: true },
  PodAttachOptions: { plural: 'pods/attach', namespaced: true },
  PodPortForwardOptions: { plural: 'pods/portforward', namespaced: true },
  Binding: { plural: 'bindings', namespaced: true },
  Eviction: { plural: 'pods/eviction', namespaced: true },
  Scale: { plural: 'deployments/scale', namespaced: true },
  CertificateSigningRequest: { plural: 'certificatesigningrequests', namespaced: false },
  RuntimeClass: { plural: 'runtimeclasses', namespaced: false },
  Lease: { plural: 'leases', namespaced: true },
  EndpointSlice: { plural: 'endpointslices', namespaced: true },
  CSIDriver: { plural: 'csidrivers', namespaced: false },
  VolumeAttachment: { plural: 'volumeattachments', namespaced: false },
  APIService: { plural: 'apiservices', namespaced: false },
  TokenReview: { plural: 'tokenreviews', namespaced: false },
  SubjectAccessReview: { plural: 'subjectaccessreviews', namespaced: false },
};

export function regularPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

export function identityOf(resource: Record<string, unknown>): ResourceIdentity {
  const { group, version } = splitApiVersion(String(resource.apiVersion ?? ''));
  const kind = String(resource.kind ?? '');
  const known = builtin[kind];
  const meta = resource.metadata as Record<string, unknown> | undefined;
  const namespaced = known ? known.namespaced : (meta?.namespace ? true : undefined);
  return { group, version, plural: known ? known.plural : regularPlural(kind), namespaced };
}

/** Kinds a plural names, for witnesses and summaries (reverse of identityOf on the built-in table). */
export function kindForPlural(plural: string): string | undefined {
  for (const [kind, v] of Object.entries(builtin)) if (v.plural === plural) return kind;
  return undefined;
}
