// Kubernetes object types for the checker. The type data comes from another module
// (server/src/k8s/types.ts); this file only needs its shape, injected by the caller, so the CEL
// layer does not depend on where the schema data lives.
import type { Environment } from '@marcbachmann/cel-js';

export type K8sType =
  | { kind: 'object'; name: string }
  | { kind: 'primitive'; name: 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'date-time' | 'any' }
  | { kind: 'array'; items: K8sType }
  | { kind: 'map'; values: K8sType };

export interface K8sTypeSource {
  typeOfKind(apiVersion: string, kind: string): K8sType | undefined;
  fieldsOf(typeName: string): Record<string, K8sType> | undefined;
}

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export function k8sTypeName(name: string): string {
  return `k8s_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

interface Registration {
  /** Types whose registration has started. */
  seen: Set<string>;
  /** Types registered. */
  done: Set<string>;
}

export function newRegistration(): Registration {
  return { seen: new Set(), done: new Set() };
}

/** The cel-js type of a Kubernetes type; anything whose CEL representation varies is dyn. */
function celType(env: Environment, source: K8sTypeSource, t: K8sType, reg: Registration): string {
  switch (t.kind) {
    case 'object': {
      if (reg.done.has(t.name)) return k8sTypeName(t.name);
      // 'any' members are not registered types: a union containing one is dyn.
      // Unknown, or still being registered (a recursive schema): dyn.
      if (reg.seen.has(t.name) || !source.fieldsOf(t.name)) return 'dyn';
      registerK8sType(env, source, t.name, reg);
      return k8sTypeName(t.name);
    }
    case 'array': return `list<${celType(env, source, t.items, reg)}>`;
    case 'map': return `map<string, ${celType(env, source, t.values, reg)}>`;
    case 'primitive':
      switch (t.name) {
        case 'string': return 'string';
        case 'integer': return 'int';
        case 'number': return 'double';
        case 'boolean': return 'bool';
        // int-or-string, quantities and timestamps change representation between CEL versions.
        default: return 'dyn';
      }
  }
}

/** Registers an object type and everything it reaches. */
export function registerK8sType(env: Environment, source: K8sTypeSource, name: string, reg: Registration): void {
  if (reg.seen.has(name)) return;
  reg.seen.add(name);
  const fields = source.fieldsOf(name) ?? {};
  const celFields: Record<string, string> = {};
  // Field types must exist before the type that names them is registered.
  for (const [field, t] of Object.entries(fields)) celFields[field] = celType(env, source, t, reg);
  env.registerType(k8sTypeName(name), { fields: celFields });
  reg.done.add(name);
}

/** Names of a union type: 'V1Pod|V1Deployment'. */
const UNION = '|';

export function unionName(names: string[]): string {
  return [...new Set(names)].sort().join(UNION);
}

/**
 * A source that also understands union names: the fields of 'A|B' are every field of A or B,
 * each typed as the merge of its types. A field is then unknown only when no member has it, at
 * the same place, which is what "flag only what no matched kind has" means.
 */
export function withUnions(source: K8sTypeSource): K8sTypeSource {
  const fieldsOf = (name: string): Record<string, K8sType> | undefined => {
    if (!name.includes(UNION)) return source.fieldsOf(name);
    const members = name.split(UNION).map((n) => source.fieldsOf(n));
    if (members.some((m) => !m)) return undefined;
    const byField = new Map<string, K8sType[]>();
    for (const fields of members) for (const [f, t] of Object.entries(fields!)) byField.set(f, [...(byField.get(f) ?? []), t]);
    const out: Record<string, K8sType> = {};
    for (const [f, types] of byField) out[f] = merge(types);
    return out;
  };
  return { typeOfKind: source.typeOfKind, fieldsOf };
}

function merge(types: K8sType[]): K8sType {
  const [first] = types;
  if (types.length === 1 || !first) return first ?? { kind: 'primitive', name: 'any' };
  if (types.every((t) => t.kind === 'object')) return { kind: 'object', name: unionName(types.map((t) => (t as { name: string }).name)) };
  if (types.every((t) => t.kind === 'array')) return { kind: 'array', items: merge(types.map((t) => (t as { items: K8sType }).items)) };
  if (types.every((t) => t.kind === 'map')) return { kind: 'map', values: merge(types.map((t) => (t as { values: K8sType }).values)) };
  if (types.every((t) => t.kind === 'primitive' && t.name === (first as { name: string }).name)) return first;
  return { kind: 'primitive', name: 'any' };
}

/** The object types a type names directly (through lists and maps). */
function namedTypes(t: K8sType, out: string[]): string[] {
  if (t.kind === 'object') out.push(t.name);
  else if (t.kind === 'array') namedTypes(t.items, out);
  else if (t.kind === 'map') namedTypes(t.values, out);
  return out;
}

/**
 * Whether no type reachable from `name` lies on a cycle. registerK8sType types a field that leads
 * back into the walk as dyn, so a type on or above a cycle registers differently depending on
 * where the walk began; a type with no cycle below it registers the same fields from any start,
 * and environments may share its registration. `memo` holds the answers for one source.
 */
export function acyclic(source: K8sTypeSource, name: string, memo: Map<string, boolean>, walking = new Set<string>()): boolean {
  const known = memo.get(name);
  if (known !== undefined) return known;
  if (walking.has(name)) return false;
  const fields = source.fieldsOf(name);
  if (!fields) return true; // not registered at all: dyn wherever it is named
  walking.add(name);
  let result = true;
  for (const t of Object.values(fields)) {
    for (const child of namedTypes(t, [])) if (!acyclic(source, child, memo, walking)) result = false;
  }
  walking.delete(name);
  memo.set(name, result);
  return result;
}

/**
 * Registers into `env` every type reachable from `name` that has no cycle below it (see acyclic),
 * skipping those `reg` has done; the others are left to a per-root walk.
 */
export function registerAcyclic(env: Environment, source: K8sTypeSource, name: string, reg: Registration, memo: Map<string, boolean>, visited = new Set<string>()): void {
  if (visited.has(name) || reg.done.has(name)) return;
  visited.add(name);
  const fields = source.fieldsOf(name);
  if (!fields) return;
  if (acyclic(source, name, memo)) {
    registerK8sType(env, source, name, reg);
    return;
  }
  for (const t of Object.values(fields)) for (const child of namedTypes(t, [])) registerAcyclic(env, source, child, reg, memo, visited);
}
