// Strategic merge of a plain patch into a resource (kyaml merge2 semantics, as Kyverno calls it):
// for a built-in kind the Kubernetes schema decides each list (merged by its patch merge key,
// merged as a set, or replaced whole: command, envFrom, tolerations, dnsConfig.options); outside
// the schema lists of maps merge by an identity key, other lists are replaced; null deletes.
import { listStrategy } from '../../k8s/patchStrategy.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

const MERGE_KEYS = ['name', 'mountPath', 'containerPort', 'devicePath', 'ip', 'topologyKey', 'type'];

export function strategicMerge(resource: unknown, patch: unknown, kind?: string, path: string[] = []): unknown {
  if (isObj(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _drop, ...rest } = patch;
      return clean(rest);
    }
    const base: Obj = isObj(resource) ? { ...resource } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (key === '$patch' || key.startsWith('$setElementOrder') || key.startsWith('$retainKeys') || key.startsWith('$deleteFromPrimitiveList')) continue;
      if (value === null) {
        delete base[key];
        continue;
      }
      if (isObj(value) && value.$patch === 'delete') {
        delete base[key];
        continue;
      }
      base[key] = strategicMerge(base[key], value, kind, [...path, key]);
    }
    return base;
  }
  if (Array.isArray(patch)) {
    if (!Array.isArray(resource)) return patch.filter((p) => !(isObj(p) && p.$patch === 'delete')).map(clean);
    const strategy = kind ? listStrategy(kind, path) : undefined;
    if (strategy === 'replace') return patch.filter((p) => !(isObj(p) && p.$patch === 'delete')).map(clean);
    if (strategy === 'set' && patch.every((p) => !isObj(p) && !Array.isArray(p))) return [...patch.filter((p) => !resource.includes(p)), ...resource];
    const key = typeof strategy === 'object' && patch.every((p) => isObj(p) && p[strategy.merge] !== undefined) ? strategy.merge : mergeKey(patch, resource);
    if (!key) return patch.map(clean);
    const out = resource.map((r) => r);
    const added: unknown[] = [];
    for (const p of patch as Obj[]) {
      const idx = out.findIndex((r) => isObj(r) && r[key] === p[key]);
      if (p.$patch === 'delete') {
        if (idx >= 0) out.splice(idx, 1);
        continue;
      }
      if (idx >= 0) out[idx] = strategicMerge(out[idx], p, kind, [...path, '*']);
      else added.push(clean(p));
    }
    // New elements come first, as kyaml's associative merge emits them.
    return [...added, ...out];
  }
  return patch;
}

/** The identity key a list merges by: one that every patch element carries (and the list's maps use). */
function mergeKey(patch: unknown[], resource: unknown[]): string | undefined {
  if (patch.length === 0 || !patch.every(isObj)) return undefined;
  if (!resource.every(isObj)) return undefined;
  return MERGE_KEYS.find((k) => (patch as Obj[]).every((p) => p[k] !== undefined) && (resource as Obj[]).every((r) => r[k] !== undefined));
}

function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$patch' || x === null) continue;
      out[k] = clean(x);
    }
    return out;
  }
  return v;
}
