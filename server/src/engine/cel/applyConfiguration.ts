// Merges an apply configuration into an object the way server-side apply does for the fields it
// names: maps merge key by key, lists Kubernetes declares as maps (containers by name, ports by
// containerPort+protocol, ...) merge item by item, sets union, every other list is replaced.
import { isObj } from '../../k8s/objects.ts';

/** List-map keys by field name, from the Kubernetes API's x-kubernetes-list-map-keys. */
const listMapKeys: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  env: ['name'],
  resourceClaims: ['name'],
  schedulingGates: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
  ownerReferences: ['uid'],
  conditions: ['type'],
};
const listSets = new Set(['finalizers']);

function portKeys(items: unknown[]): string[] {
  return items.some((i) => isObj(i) && 'containerPort' in i) ? ['containerPort', 'protocol'] : ['port', 'protocol'];
}

function keyOf(item: unknown, keys: string[]): string | undefined {
  if (!isObj(item)) return undefined;
  const parts = keys.map((k) => (k === 'protocol' ? String(item[k] ?? 'TCP') : item[k]));
  if (parts[0] === undefined) return undefined;
  return JSON.stringify(parts);
}

export function applyConfiguration(target: unknown, patch: unknown, field = ''): unknown {
  if (isObj(patch)) {
    const base: Record<string, unknown> = isObj(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) { delete base[k]; continue; }
      base[k] = applyConfiguration(base[k], v, k);
    }
    return base;
  }
  if (Array.isArray(patch)) {
    if (!Array.isArray(target)) return patch;
    if (listSets.has(field)) return [...target, ...patch.filter((p) => !target.some((t) => JSON.stringify(t) === JSON.stringify(p)))];
    const keys = field === 'ports' ? portKeys([...target, ...patch]) : listMapKeys[field];
    if (!keys) return patch;
    const out = [...target];
    for (const item of patch) {
      const k = keyOf(item, keys);
      const at = k === undefined ? -1 : out.findIndex((t) => keyOf(t, keys) === k);
      if (at >= 0) out[at] = applyConfiguration(out[at], item, '');
      else out.push(item);
    }
    return out;
  }
  return patch;
}
