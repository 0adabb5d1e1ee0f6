// A cli.kyverno.io Values document: global values, per-policy rule, foreach and resource values,
// namespace labels, Namespace objects and subresource declarations.
import { asArray } from '../cel/values.ts';
import { isObj } from '../../k8s/objects.ts';

/** A values file's `subresources` entry: a kind that stands for `<parent plural>/<subresource>`. */
export interface SubresourceDecl {
  /** "deployments/scale" */
  name: string;
  kind: string;
  group: string;
  version: string;
  parent: { kind: string; group: string; version: string };
}

export interface ValuesModel {
  global: Record<string, unknown>;
  ruleValues: Map<string, Map<string, Record<string, unknown>>>;
  /** Per policy and rule: one map per foreach block, variable -> a value per element. */
  foreachValues: Map<string, Map<string, Record<string, unknown[]>[]>>;
  subresources: SubresourceDecl[];
  resourceValues: Map<string, Map<string, Record<string, unknown>>>;
  namespaceLabels: Map<string, Record<string, string>>;
  namespaces: Map<string, Record<string, unknown>>;
}

export function emptyValues(): ValuesModel {
  return { global: {}, ruleValues: new Map(), foreachValues: new Map(), subresources: [], resourceValues: new Map(), namespaceLabels: new Map(), namespaces: new Map() };
}

export function parseValues(doc: Record<string, unknown>): ValuesModel {
  const v = emptyValues();
  if (isObj(doc.globalValues)) v.global = doc.globalValues;
  for (const p of asArray(doc.policies).filter(isObj)) {
    const name = String(p.name ?? '');
    const rules = new Map<string, Record<string, unknown>>();
    const foreach = new Map<string, Record<string, unknown[]>[]>();
    for (const r of asArray(p.rules).filter(isObj)) {
      if (isObj(r.values)) rules.set(String(r.name ?? ''), r.values);
      // Older files give one map (variable -> values per element), newer ones a list of maps.
      const raw = isObj(r.foreachValues) ? [r.foreachValues] : asArray(r.foreachValues).filter(isObj);
      const blocks = raw.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, asArray(v)])));
      if (blocks.length > 0) foreach.set(String(r.name ?? ''), blocks);
    }
    if (foreach.size > 0) v.foreachValues.set(name, foreach);
    const resources = new Map<string, Record<string, unknown>>();
    for (const r of asArray(p.resources).filter(isObj)) if (isObj(r.values)) resources.set(String(r.name ?? ''), r.values);
    v.ruleValues.set(name, rules);
    v.resourceValues.set(name, resources);
  }
  for (const s of asArray(doc.namespaceSelector).filter(isObj)) {
    const labels: Record<string, string> = {};
    if (isObj(s.labels)) for (const [k, val] of Object.entries(s.labels)) labels[k] = String(val);
    v.namespaceLabels.set(String(s.name ?? ''), labels);
  }
  for (const s of asArray(doc.subresources).filter(isObj)) {
    const sub = isObj(s.subresource) ? s.subresource : {};
    const parent = isObj(s.parentResource) ? s.parentResource : {};
    if (typeof sub.kind !== 'string' || typeof parent.kind !== 'string') continue;
    v.subresources.push({
      name: String(sub.name ?? ''), kind: sub.kind, group: String(sub.group ?? ''), version: String(sub.version ?? ''),
      parent: { kind: parent.kind, group: String(parent.group ?? ''), version: String(parent.version ?? '') },
    });
  }
  for (const ns of asArray(doc.namespaces).filter(isObj)) {
    const meta = isObj(ns.metadata) ? ns.metadata : {};
    v.namespaces.set(String(meta.name ?? ''), ns);
  }
  return v;
}

/** The values for one policy on one resource: global, then the resource's (by name or ns/name). */
export function resourceVariables(values: ValuesModel, policy: string, resourceName: string, resourceNs: string): Record<string, unknown> {
  const byResource = values.resourceValues.get(policy);
  const own = byResource?.get(resourceName) ?? (resourceNs ? byResource?.get(`${resourceNs}/${resourceName}`) : undefined) ?? {};
  return { ...values.global, ...own };
}

export function ruleVariables(values: ValuesModel, policy: string): Map<string, Record<string, unknown>> {
  return values.ruleValues.get(policy) ?? new Map();
}
