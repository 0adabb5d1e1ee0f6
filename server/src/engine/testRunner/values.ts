// A cli.kyverno.io Values document: global values, per-policy rule and resource values, namespace
// labels and Namespace objects.
import { asArray } from '../cel/values.ts';
import { isObj } from '../../k8s/objects.ts';

export interface ValuesModel {
  global: Record<string, unknown>;
  ruleValues: Map<string, Map<string, Record<string, unknown>>>;
  resourceValues: Map<string, Map<string, Record<string, unknown>>>;
  namespaceLabels: Map<string, Record<string, string>>;
  namespaces: Map<string, Record<string, unknown>>;
}

export function emptyValues(): ValuesModel {
  return { global: {}, ruleValues: new Map(), resourceValues: new Map(), namespaceLabels: new Map(), namespaces: new Map() };
}

export function parseValues(doc: Record<string, unknown>): ValuesModel {
  const v = emptyValues();
  if (isObj(doc.globalValues)) v.global = doc.globalValues;
  for (const p of asArray(doc.policies).filter(isObj)) {
    const name = String(p.name ?? '');
    const rules = new Map<string, Record<string, unknown>>();
    for (const r of asArray(p.rules).filter(isObj)) if (isObj(r.values)) rules.set(String(r.name ?? ''), r.values);
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
