// Minimal valid resources for conflict checks to simulate on when the workspace has none of a
// kind: a Pod with one container, controllers wrapping that Pod's spec in their templates, and a
// bare object for any other kind. Required paths are filled so that rules reading them have
// something to read.
import { resourceForKind } from '../k8s/discovery.ts';

type Obj = Record<string, unknown>;

const WITNESS_NAMESPACE = 'default';

function podSpec(): Obj {
  return { containers: [{ name: 'app', image: 'registry.example/app:1.0' }] };
}

function podTemplate(labels: Record<string, string>): Obj {
  return { metadata: { labels: { ...labels } }, spec: podSpec() };
}

function apiVersionOf(kind: string): string {
  const info = resourceForKind(kind);
  if (!info) return 'v1';
  return info.group ? `${info.group}/${info.version}` : info.version;
}

function base(kind: string): Obj {
  const info = resourceForKind(kind);
  const name = `witness-${kind.toLowerCase()}`;
  const metadata: Obj = { name, labels: { app: name } };
  if (info?.namespaced !== false) metadata.namespace = WITNESS_NAMESPACE;
  return { apiVersion: apiVersionOf(kind), kind, metadata };
}

function shaped(kind: string): Obj {
  const obj = base(kind);
  const labels = { app: String((obj.metadata as Obj).name) };
  switch (kind) {
    case 'Pod':
      return { ...obj, spec: podSpec() };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { ...obj, spec: { ...(kind === 'DaemonSet' ? {} : { replicas: 1 }), selector: { matchLabels: labels }, template: podTemplate(labels) } };
    case 'ReplicationController':
      return { ...obj, spec: { replicas: 1, selector: labels, template: podTemplate(labels) } };
    case 'Job':
      return { ...obj, spec: { template: { ...podTemplate(labels), spec: { ...podSpec(), restartPolicy: 'Never' } } } };
    case 'CronJob':
      return { ...obj, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...podTemplate(labels), spec: { ...podSpec(), restartPolicy: 'Never' } } } } } };
    case 'Service':
      return { ...obj, spec: { selector: labels, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] } };
    case 'ConfigMap':
      return { ...obj, data: {} };
    case 'Secret':
      return { ...obj, type: 'Opaque', data: {} };
    case 'Namespace':
      return obj;
    case 'Ingress':
      return { ...obj, spec: { rules: [{ host: 'app.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }] } };
    default:
      return obj;
  }
}

/** Sets a placeholder at `path` where nothing is; '*' steps into every element of a list (one is created when empty). */
function fill(target: Obj, path: string[]): void {
  let cur: unknown = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (seg === '*' || /^\d+$/.test(seg)) {
      if (!Array.isArray(cur)) return;
      if (cur.length === 0) cur.push({});
      const rest = path.slice(i + 1);
      const items = seg === '*' ? cur : [cur[Number(seg)]];
      for (const item of items) if (item && typeof item === 'object' && !Array.isArray(item) && rest.length) fill(item as Obj, rest);
      return;
    }
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return;
    const rec = cur as Obj;
    if (rec[seg] === undefined) {
      const next = path[i + 1];
      rec[seg] = last ? 'placeholder' : next === '*' || (next !== undefined && /^\d+$/.test(next)) ? [] : {};
    }
    cur = rec[seg];
  }
}

export function witnessFor(kind: string, requiredPaths: string[][] = []): Record<string, unknown> {
  const obj = structuredClone(shaped(kind));
  for (const path of requiredPaths) fill(obj, path);
  return obj;
}
