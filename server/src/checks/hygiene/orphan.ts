import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { FileId, Span } from '../../findings.ts';
import type { Resource } from '../../model/types.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';
import { WORKLOAD_KINDS, podTemplateOf as workloadTemplateOf } from '../../k8s/workloads.ts';
import type { AnalyzerConfig } from '../../workspace/config.ts';
import { uncheckedFilesOf } from '../judged.ts';

/** Components of the control plane read these by name; the workspace never shows the consumer. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
/** Kinds whose objects another document may name in any field (a CR's secretName, a policy's context). */
const MENTIONABLE_KINDS = new Set(['ConfigMap', 'Secret', 'ServiceAccount']);
/** The kinds this check judges. */
const CANDIDATE_KINDS = new Set(['ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Role', 'ClusterRole']);
/** ConfigMaps/Secrets picked up by label (Grafana dashboards, Prometheus rules, …), not by name. */
const DISCOVERY_LABEL = /dashboard|datasource|alertmanager|prometheus|grafana|fluent|vector|otel/i;

interface PodTemplate {
  spec: Obj;
  labels: Record<string, string>;
  namespace?: string;
}

export function podTemplateOf(resource: Resource): PodTemplate | undefined {
  const template = workloadTemplateOf(resource.raw, resource.kind);
  if (!template) return undefined;
  const labels = (asObj(asObj(template.metadata)?.labels) ?? {}) as Record<string, string>;
  return { spec: asObj(template.spec) ?? {}, labels, namespace: resource.namespace };
}

interface References {
  configMaps: Set<string>;
  secrets: Set<string>;
  serviceAccounts: Set<string>;
  roles: Set<string>;
  clusterRoles: Set<string>;
}

const key = (namespace: string | undefined, name: string) => `${namespace ?? '*'}/${name}`;

function referencesOfPods(pods: PodTemplate[], refs: References): void {
  for (const { spec, namespace } of pods) {
    const ns = namespace;
    refs.serviceAccounts.add(key(ns, String(spec.serviceAccountName ?? spec.serviceAccount ?? 'default')));
    for (const s of asArray(spec.imagePullSecrets)) refs.secrets.add(key(ns, String(asObj(s)?.name)));
    for (const v of asArray(spec.volumes)) {
      const volume = asObj(v) ?? {};
      if (asObj(volume.configMap)?.name) refs.configMaps.add(key(ns, String(asObj(volume.configMap)!.name)));
      if (asObj(volume.secret)?.secretName) refs.secrets.add(key(ns, String(asObj(volume.secret)!.secretName)));
      for (const source of asArray(asObj(volume.projected)?.sources)) {
        const s = asObj(source) ?? {};
        if (asObj(s.configMap)?.name) refs.configMaps.add(key(ns, String(asObj(s.configMap)!.name)));
        if (asObj(s.secret)?.name) refs.secrets.add(key(ns, String(asObj(s.secret)!.name)));
      }
    }
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
      for (const c of asArray(spec[list])) {
        const container = asObj(c) ?? {};
        for (const e of asArray(container.env)) {
          const from = asObj(asObj(e)?.valueFrom) ?? {};
          if (asObj(from.configMapKeyRef)?.name) refs.configMaps.add(key(ns, String(asObj(from.configMapKeyRef)!.name)));
          if (asObj(from.secretKeyRef)?.name) refs.secrets.add(key(ns, String(asObj(from.secretKeyRef)!.name)));
        }
        for (const e of asArray(container.envFrom)) {
          const from = asObj(e) ?? {};
          if (asObj(from.configMapRef)?.name) refs.configMaps.add(key(ns, String(asObj(from.configMapRef)!.name)));
          if (asObj(from.secretRef)?.name) refs.secrets.add(key(ns, String(asObj(from.secretRef)!.name)));
        }
      }
    }
  }
}

function referencesOfRbac(resources: Resource[], refs: References): void {
  for (const r of resources) {
    if (r.kind !== 'RoleBinding' && r.kind !== 'ClusterRoleBinding') continue;
    const roleRef = asObj(r.raw.roleRef) ?? {};
    if (roleRef.kind === 'Role') refs.roles.add(key(r.namespace, String(roleRef.name)));
    if (roleRef.kind === 'ClusterRole') refs.clusterRoles.add(String(roleRef.name));
    for (const s of asArray(r.raw.subjects)) {
      const subject = asObj(s) ?? {};
      if (subject.kind === 'ServiceAccount') refs.serviceAccounts.add(key(typeof subject.namespace === 'string' ? subject.namespace : r.namespace, String(subject.name)));
    }
  }
  for (const r of resources) {
    if (r.kind !== 'ServiceAccount') continue;
    for (const s of [...asArray(r.raw.imagePullSecrets), ...asArray(r.raw.secrets)]) refs.secrets.add(key(r.namespace, String(asObj(s)?.name)));
  }
}

const has = (set: Set<string>, namespace: string | undefined, name: string) =>
  set.has(key(namespace, name)) || set.has(key(undefined, name)) || (namespace === undefined && [...set].some((k) => k.endsWith(`/${name}`)));

/** The strings among `names` that appear as a value anywhere in `value`. */
function mentionedNames(value: unknown, names: ReadonlySet<string>, out: Set<string>): void {
  if (typeof value === 'string') {
    if (names.has(value)) out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) mentionedNames(v, names, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) mentionedNames(v, names, out);
  }
}

function selects(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === String(v));
}

function report(ctx: WorkspaceCheckContext, r: Resource, message: string): void {
  ctx.report({ file: r.source.file, span: ctx.spanOf({ ...r.source, path: ['metadata', 'name'] }, 'value') }, message);
}

/**
 * Objects nothing in the workspace uses (like kor does on a cluster): ConfigMaps and Secrets nothing
 * mounts or references, Services selecting no workload, ServiceAccounts no Pod runs as and nothing
 * binds, Roles/ClusterRoles nothing binds. Only in workspaces that contain workloads at all.
 */
/**
 * What the last run found, and what it read besides the resources: the names each other file
 * mentions. An edit that touches no resource and changes no mention (a policy's message, most
 * edits of a policy repository) leaves every finding as it was, so it is reported again as is.
 */
interface LastRun {
  revision: number;
  /** The configuration decides which files are judged (test data): another one runs the check again. */
  config: AnalyzerConfig;
  findings: { location: { file: FileId; span: Span }; message: string }[];
  /** Files holding a resource: any change to one runs the check again. */
  resourceFiles: Set<FileId>;
  askable: ReadonlySet<string>;
  mentions: Map<FileId, string[]>;
}
const lastRuns = new WeakMap<WorkspaceIndex, LastRun>();

function mentionsIn(index: WorkspaceIndex, file: FileId, askable: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const d of index.getFile(file)?.documents ?? []) if (!(d.resource && WORKLOAD_KINDS.has(d.resource.kind))) mentionedNames(d.yaml.value, askable, found);
  return [...found].sort();
}

function stillValid(index: WorkspaceIndex, last: LastRun): boolean {
  const changed = index.changedSince(last.revision);
  if (!changed || index.config !== last.config) return false;
  for (const file of changed) {
    if (last.resourceFiles.has(file) || index.getFile(file)?.documents.some((d) => d.resource)) return false;
    if (last.askable.size && mentionsIn(index, file, last.askable).join('\0') !== (last.mentions.get(file) ?? []).join('\0')) return false;
  }
  return true;
}

export const orphanCheck: Check = {
  id: 'hygiene/orphan',
  title: 'Object nothing in the workspace uses',
  severity: 'info',
  checkWorkspace(ctx) {
    const last = lastRuns.get(ctx.index);
    if (last && stillValid(ctx.index, last)) {
      last.revision = ctx.index.revision;
      for (const f of last.findings) ctx.report(f.location, f.message);
      return;
    }
    const run: LastRun = { revision: ctx.index.revision, config: ctx.index.config, findings: [], resourceFiles: new Set(), askable: new Set(), mentions: new Map() };
    lastRuns.set(ctx.index, run);
    const emit = ctx.report;
    ctx = { ...ctx, report: (location, message) => { run.findings.push({ location, message }); emit(location, message); } };
    // Asked per kind first: a policy repository without workloads costs nothing here.
    const workloads = [...WORKLOAD_KINDS].flatMap((kind) => ctx.index.resourcesOfKind(kind));
    const resources = ctx.index.resources();
    for (const r of resources) run.resourceFiles.add(r.source.file);
    if (workloads.length === 0) return;
    // Resources of test data are read as references but not judged: the reporter would drop their
    // findings, after their spans (a parse of the document) were paid for. A policy repository,
    // whose resources are all test data, has no candidate and reads no reference.
    const unchecked = uncheckedFilesOf(ctx.index);
    const candidates = resources.filter((r) => CANDIDATE_KINDS.has(r.kind) && r.name && !(r.namespace && SYSTEM_NAMESPACES.has(r.namespace)) && !unchecked(r.source.file));
    if (candidates.length === 0) return;
    const pods = workloads.map(podTemplateOf).filter((p): p is PodTemplate => !!p);
    const refs: References = { configMaps: new Set(), secrets: new Set(), serviceAccounts: new Set(), roles: new Set(), clusterRoles: new Set() };
    referencesOfPods(pods, refs);
    referencesOfRbac(resources, refs);
    // Anything else (an Ingress' tls secretName, a Certificate, an ExternalSecret, a policy's context) may name an object.
    // One inverted index, built on first use, from the names that could be asked about to the
    // documents that mention them: a lookup per candidate instead of a scan of the workspace per
    // candidate. Two holders are enough to know whether one other than the candidate names it.
    // The mentions of every file are kept (for the next run to compare), so they are collected
    // whenever a name could be asked about.
    // Only the names of candidates are asked about.
    const askable = new Set(candidates.filter((r) => MENTIONABLE_KINDS.has(r.kind)).map((r) => r.name!));
    run.askable = askable;
    const holders = new Map<string, string[]>();
    if (askable.size) {
      for (const d of ctx.index.documents()) {
        if (d.resource && WORKLOAD_KINDS.has(d.resource.kind)) continue;
        const found = new Set<string>();
        mentionedNames(d.yaml.value, askable, found);
        if (!found.size) continue;
        const id = `${d.file}#${d.index}`;
        const inFile = run.mentions.get(d.file);
        run.mentions.set(d.file, [...new Set([...(inFile ?? []), ...found])].sort());
        for (const text of found) {
          const list = holders.get(text);
          if (!list) holders.set(text, [id]);
          else if (list.length < 2) list.push(id);
        }
      }
    }
    const mentionsOutside = (self: Resource, name: string): boolean => {
      const selfId = `${self.source.file}#${self.source.docIndex}`;
      return (holders.get(name) ?? []).some((id) => id !== selfId);
    };
    for (const r of candidates) {
      if (!r.name) continue;
      const labels = Object.keys(asObj(asObj(r.raw.metadata)?.labels) ?? {});
      switch (r.kind) {
        case 'ConfigMap': {
          if (r.name === 'kube-root-ca.crt' || labels.some((l) => DISCOVERY_LABEL.test(l))) break;
          if (has(refs.configMaps, r.namespace, r.name) || mentionsOutside(r, r.name)) break;
          report(ctx, r, `Nothing in the workspace mounts or references the ConfigMap ${r.name} (no volume, env, envFrom or other object names it): dead configuration that looks live. Delete it, or reference it where it is meant to be used.`);
          break;
        }
        case 'Secret': {
          const type = String(r.raw.type ?? '');
          if (/service-account-token|helm\.sh\/release/.test(type) || labels.some((l) => DISCOVERY_LABEL.test(l))) break;
          if (has(refs.secrets, r.namespace, r.name) || mentionsOutside(r, r.name)) break;
          report(ctx, r, `Nothing in the workspace mounts or references the Secret ${r.name} (no volume, env, envFrom, imagePullSecrets or other object names it): an orphaned credential is a rotation blind spot, still valid and forgotten. Delete it, or reference it where it is meant to be used.`);
          break;
        }
        case 'Service': {
          const spec = asObj(r.raw.spec) ?? {};
          const selector = asObj(spec.selector);
          if (!selector || Object.keys(selector).length === 0 || spec.type === 'ExternalName') break;
          const match = pods.some((p) => (p.namespace === r.namespace || !p.namespace || !r.namespace) && selects(selector, p.labels));
          if (match) break;
          report(ctx, r, `The Service ${r.name} selects ${Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(',')}, which no workload in the workspace carries: it has no endpoints, and clients get connection refused. Fix the selector or remove the Service.`);
          break;
        }
        case 'ServiceAccount': {
          if (r.name === 'default' || has(refs.serviceAccounts, r.namespace, r.name) || mentionsOutside(r, r.name)) break;
          report(ctx, r, `No Pod in the workspace runs as the ServiceAccount ${r.name} and nothing binds it: an identity nobody uses is one nobody reviews. Delete it, or reference it (serviceAccountName) where it is meant to be used.`);
          break;
        }
        case 'Role': {
          if (has(refs.roles, r.namespace, r.name)) break;
          report(ctx, r, `No RoleBinding in the workspace binds the Role ${r.name}: it grants nothing, and whoever binds it later inherits rules nobody reviewed. Bind it or delete it.`);
          break;
        }
        case 'ClusterRole': {
          if (refs.clusterRoles.has(r.name) || labels.some((l) => l.startsWith('rbac.authorization.k8s.io/aggregate-to-')) || r.name.startsWith('system:')) break;
          report(ctx, r, `No RoleBinding or ClusterRoleBinding in the workspace binds the ClusterRole ${r.name}, and it is not aggregated: it grants nothing, and whoever binds it later inherits rules nobody reviewed. Bind it or delete it.`);
          break;
        }
      }
    }
  },
};
