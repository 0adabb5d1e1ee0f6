// The Enforce impact lens above each validating policy: "Enforce would deny 2 of 3 workloads here"
// (Audit) or "denies 2 of 3 workloads here" (enforcing), and on click a peek of the denied objects
// at their first failing field. Counted on resolve (only lenses on screen) from verdicts remembered
// across edits by policy verdict key (impact/impact.ts): typing in a message simulates nothing, an
// edit of what the policy checks simulates that policy alone over the objects it can meet.
import type { FileId, Span } from '../findings.ts';
import type { Policy, Resource } from '../model/types.ts';
import type { IndexedDocument } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { ImpactCache, ImpactAccumulator, failingPathOf, objectsOf, validationPolicies, type ImpactObject } from '../impact/impact.ts';
import { CREATES } from '../impact/created.ts';

export interface ImpactAnswer {
  kind: 'impact';
  title: string;
  /** One line per denied object (kind, namespace/name, the engine's message), for the lens's tooltip. */
  tooltip: string;
  denied: { file: FileId; span: Span; message: string }[];
}

/** The kinds whose objects lead to this kind (Pod: every Pod controller; Job: CronJob). */
function sourcesOf(kind: string): string[] {
  const out = [kind];
  for (const [from, to] of Object.entries(CREATES)) if (to.kind === kind || (to.kind !== 'Pod' && CREATES[to.kind]?.kind === kind)) out.push(from);
  return out;
}

interface Workspace {
  revision: number;
  objects: ImpactObject[];
  namespaces: Map<string, Resource>;
  kinds: Set<string>;
}

const workspaces = new WeakMap<WorkspaceIndex, Workspace>();
const caches = new WeakMap<WorkspaceIndex, { cache: ImpactCache; revision: number }>();

/** The objects the lens judges: the workspace's own resources (test data is a suite's bad input on purpose). */
function workspaceOf(index: WorkspaceIndex): Workspace {
  const known = workspaces.get(index);
  if (known?.revision === index.revision) return known;
  const resources = index.resources().filter((r) => index.getFile(r.source.file)?.role === 'workspace');
  const objects = objectsOf(resources);
  const made: Workspace = {
    revision: index.revision,
    objects,
    namespaces: new Map(index.resourcesOfKind('Namespace').map((r) => [r.name, r] as const)),
    kinds: new Set(objects.map((o) => o.kind)),
  };
  workspaces.set(index, made);
  return made;
}

/** Whether a lens belongs on this document: a validating policy that can meet some object of the workspace. Simulates nothing. */
export function hasImpactLens(document: IndexedDocument, index: WorkspaceIndex): boolean {
  const policy = document.policy;
  if (!policy || validationPolicies([policy]).length === 0) return false;
  const { kinds } = workspaceOf(index);
  return policy.rules.some((r) => (r.phase === 'validate' || r.phase === 'verifyImages') && (r.match.kinds.length === 0 || r.match.kinds.some((k) => k === '*' ? kinds.size > 0 : sourcesOf(k).some((s) => kinds.has(s)))));
}

function cacheOf(index: WorkspaceIndex): ImpactCache {
  let entry = caches.get(index);
  if (!entry) caches.set(index, (entry = { cache: new ImpactCache(), revision: -1 }));
  if (entry.revision !== index.revision) {
    entry.revision = index.revision;
    entry.cache.keep(index.policies());
  }
  return entry.cache;
}

// Spans of the denied objects' failing fields, kept as long as the resource (its file's version)
// lives: a file whose trees were released would otherwise be parsed again at every resolve.
const spans = new WeakMap<Resource, Map<string, Span>>();
function spanIn(index: WorkspaceIndex, resource: Resource, path: (string | number)[]): Span {
  let known = spans.get(resource);
  if (!known) spans.set(resource, (known = new Map()));
  const key = path.join('\0');
  let span = known.get(key);
  if (!span) known.set(key, (span = index.spanOf({ ...resource.source, path: [...resource.source.path, ...path] }, 'key')));
  return span;
}

/** The lens's answer for one policy; `cache: false` judges afresh (messages as written now). */
export function resolveImpactLens(index: WorkspaceIndex, policy: Policy, options: { cache?: ImpactCache | false } = {}): ImpactAnswer {
  const workspace = workspaceOf(index);
  const cache = options.cache === false ? undefined : (options.cache ?? cacheOf(index));
  const accumulator = new ImpactAccumulator([policy], { namespaces: workspace.namespaces, cache });
  for (const object of workspace.objects) accumulator.add(object);
  const [impact] = accumulator.result();
  if (!impact) return { kind: 'impact', title: 'not a validation', tooltip: '', denied: [] };
  const noun = impact.onlyWorkloads ? 'workloads' : 'resources';
  const counted = `${impact.denied.length} of ${impact.evaluated} ${noun} here`;
  const title = impact.evaluated === 0 ? `no ${noun} here to judge` : impact.mode === 'Enforce' ? `denies ${counted}` : `Enforce would deny ${counted}`;
  const denied = impact.denied.map((d) => {
    const resource = d.object.resource!;
    const path = failingPathOf(d);
    const where = spanIn(index, resource, path.length ? path : ['metadata', 'name']);
    const name = d.object.namespace ? `${d.object.namespace}/${d.object.name}` : d.object.name;
    return { file: d.object.file, span: where, message: `${d.object.kind} ${name}: ${d.via ? `the ${d.via} its controller creates: ` : ''}${d.message}` };
  });
  const shown = denied.slice(0, 10).map((d) => d.message);
  if (denied.length > shown.length) shown.push(`… and ${denied.length - shown.length} more`);
  return { kind: 'impact', title, tooltip: shown.join('\n'), denied };
}
