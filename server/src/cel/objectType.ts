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
