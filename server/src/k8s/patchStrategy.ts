// Strategic-merge patch strategy of list fields: which lists merge element by element (and by
// which key), which merge as sets of scalars, and which a patch replaces whole. The strategy is
// the `patchStrategy`/`patchMergeKey` tags of k8s.io/api's Go types (what kubectl and Kyverno's
// merge read from the OpenAPI `x-kubernetes-patch-*` extensions). @kubernetes/client-node's model
// drops those tags, so they are listed here by model type; every other list field of a model type
// has no strategy, and Kubernetes replaces it (command, args, envFrom, tolerations, ...).
import typesJson from '../../../schemas/k8s/types.json' with { type: 'json' };
import { parseTypeExpr, type K8sType } from './types.ts';

export type ListStrategy = { merge: string } | 'set' | 'replace';

const container = { ports: 'containerPort', env: 'name', volumeMounts: 'mountPath', volumeDevices: 'devicePath' };

/** Model type -> list field -> merge key ('' = a set of scalars). From k8s.io/api's struct tags. */
const MERGE: Record<string, Record<string, string>> = {
  V1PodSpec: {
    containers: 'name',
    initContainers: 'name',
    ephemeralContainers: 'name',
    volumes: 'name',
    imagePullSecrets: 'name',
    hostAliases: 'ip',
    topologySpreadConstraints: 'topologyKey',
    resourceClaims: 'name',
    schedulingGates: 'name',
  },
  V1Container: container,
  V1EphemeralContainer: container,
  V1ObjectMeta: { finalizers: '', ownerReferences: 'uid' },
  V1ServiceSpec: { ports: 'port' },
  V1PodStatus: { conditions: 'type' },
  V1NodeStatus: { conditions: 'type', addresses: 'type' },
  V1DeploymentStatus: { conditions: 'type' },
  V1ReplicaSetStatus: { conditions: 'type' },
  V1StatefulSetStatus: { conditions: 'type' },
  V1DaemonSetStatus: { conditions: 'type' },
  V1JobStatus: { conditions: 'type' },
  V1PersistentVolumeClaimStatus: { conditions: 'type' },
  V1NamespaceStatus: { conditions: 'type' },
};

/**
 * Outside the model (custom resources, kinds the rule does not name) only the field name is
 * known: the merge keys the built-in types use for a field of that name. Lists of other names
 * are undecided there.
 */
const BY_FIELD_NAME: Record<string, string> = {};
for (const fields of Object.values(MERGE)) for (const [field, key] of Object.entries(fields)) if (!(field in BY_FIELD_NAME) && field !== 'ports') BY_FIELD_NAME[field] = key;

const kinds = (typesJson as { kinds: Record<string, string> }).kinds;
const rootByKind = new Map<string, string>();
for (const [gvk, type] of Object.entries(kinds)) {
  const kind = gvk.slice(gvk.lastIndexOf('/') + 1);
  // Several versions of one kind: the first listed (the stable group versions come first) decides.
  if (!rootByKind.has(kind)) rootByKind.set(kind, type);
}

const fieldsOf = (name: string): Record<string, string> | undefined => (typesJson as { types: Record<string, Record<string, string>> }).types[name];

/**
 * The strategy of the list at `listPath` in an object of `kind` (list elements in the path as '*',
 * an index, or a qualified `key=value` segment). Undefined when the path leaves the model and the
 * field name says nothing, or when the path does not end at a list.
 */
export function listStrategy(kind: string, listPath: string[]): ListStrategy | undefined {
  const last = listPath[listPath.length - 1];
  const root = rootByKind.get(kind);
  let type: K8sType | undefined = root ? { kind: 'object', name: root } : undefined;
  let parent: string | undefined;
  for (const seg of listPath) {
    if (!type) break;
    parent = type.kind === 'object' ? type.name : undefined;
    type = stepType(type, seg);
  }
  if (type && type.kind === 'array' && parent) {
    const key = MERGE[parent]?.[last];
    if (key === undefined) return 'replace';
    return key === '' ? 'set' : { merge: key };
  }
  if (type) return undefined; // inside the model, but not a list
  const key = BY_FIELD_NAME[last];
  if (key === undefined) return undefined;
  return key === '' ? 'set' : { merge: key };
}

function stepType(type: K8sType, seg: string): K8sType | undefined {
  switch (type.kind) {
    case 'object': {
      const fields = fieldsOf(type.name);
      return fields && Object.hasOwn(fields, seg) ? parseTypeExpr(fields[seg]) : undefined;
    }
    case 'array':
      return seg === '*' || /^\d+$/.test(seg) || seg.includes('=') ? type.items : undefined;
    case 'map':
      return type.values;
    default:
      return undefined;
  }
}
