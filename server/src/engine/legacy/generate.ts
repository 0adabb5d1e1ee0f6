// generate rules: the resource a data or clone rule would create (never written anywhere).
import type { AdmissionContext } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { substitute } from '../jmespath/substitute.ts';
import { evaluateConditions } from './conditions.ts';
import { loadContext } from './context.ts';
import { evaluateList, withElement } from './list.ts';
import { error, fromThrown, pass, skip, unknown, type Outcome } from './outcome.ts';
import { gvkOf, kindMatches, selectorMatches } from '../match/index.ts';
import type { LabelSelector } from '../match/selector.ts';
import { identityOf } from '../cel/kinds.ts';
import { isObj } from '../../k8s/objects.ts';
import { resolveReferences } from './references.ts';

type Obj = Record<string, unknown>;

const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'selfLink', 'ownerReferences'];

export function generateRule(raw: Obj, data: Obj, ctx: AdmissionContext, path: Path): Outcome {
  try {
    const g = resolveReferences(raw, { generate: raw }, ['generate']) as Obj;
    if (Array.isArray(g.foreach)) {
      const generated: Obj[] = [];
      for (let f = 0; f < g.foreach.length; f++) {
        const fe = g.foreach[f] as Obj;
        const elements = evaluateList(fe.list, data);
        for (let i = 0; i < elements.length; i++) {
          const elemData = withElement(data, elements[i], i, 0);
          loadContext(fe.context, elemData, ctx);
          if (!evaluateConditions(fe.preconditions, elemData).result) continue;
          const one = generateOne({ ...g, ...fe }, elemData, ctx, [...path, 'foreach', f]);
          if ('outcome' in one) return one.outcome;
          generated.push(one.resource);
        }
      }
      if (generated.length === 0) return skip('no foreach element generated a resource', path);
      return { ...pass(`generates ${generated.length} resource(s)`, path), generated };
    }
    if (isObj(g.cloneList)) return cloneList(g, data, ctx, path);
    const one = generateOne(g, data, ctx, path);
    if ('outcome' in one) return one.outcome;
    return { ...pass(`generates ${String(one.resource.kind)} ${name(one.resource)}`, path), generated: [one.resource] };
  } catch (e) {
    return fromThrown(e, path);
  }
}

/** cloneList copies every supplied resource of the listed kinds (and selector) from one namespace. */
function cloneList(g: Obj, data: Obj, ctx: AdmissionContext, path: Path): Outcome {
  const spec = substitute(g.cloneList, data) as Obj;
  const target = substitute({ namespace: g.namespace }, data) as Obj;
  const kinds = Array.isArray(spec.kinds) ? spec.kinds.map(String) : [];
  const selector = isObj(spec.selector) ? (spec.selector as LabelSelector) : undefined;
  // Kyverno does not clone a namespace into itself.
  if (String(spec.namespace ?? '') === String(target.namespace ?? '')) return skip('cloneList source and target namespaces are the same', [...path, 'cloneList']);
  const found = sources(data, ctx).filter((r) => {
    const m = isObj(r.metadata) ? r.metadata : {};
    const labels = isObj(m.labels) ? (m.labels as Record<string, string>) : {};
    return namespaceOf(r) === String(spec.namespace ?? '') && kindMatches(kinds, gvkOf(r)) && (!selector || selectorMatches(selector, labels));
  });
  if (found.length === 0) return unknown(`no supplied resource matches cloneList in namespace ${String(spec.namespace ?? '')}`, [...path, 'cloneList']);
  const generated = found.map((src) => {
    const copy = JSON.parse(JSON.stringify(src)) as Obj;
    const meta = isObj(copy.metadata) ? copy.metadata : {};
    for (const f of SERVER_FIELDS) delete meta[f];
    if (target.namespace) meta.namespace = target.namespace;
    copy.metadata = meta;
    return copy;
  });
  return { ...pass(`clones ${generated.length} resource(s)`, path), generated };
}

/** A resource's namespace as `kyverno test` loads it: a namespaced one written without a namespace is in `default`. */
function namespaceOf(r: Obj): string {
  const m = isObj(r.metadata) ? r.metadata : {};
  if (m.namespace) return String(m.namespace);
  return identityOf(r).namespaced === false ? '' : 'default';
}

/** The objects a clone may read: the supplied cluster resources and the trigger, which Kyverno's CLI also holds. */
function sources(data: Obj, ctx: AdmissionContext): Obj[] {
  const request = isObj(data.request) ? data.request : {};
  const trigger = isObj(request.object) ? [request.object] : [];
  return [...(ctx.clusterResources ?? []), ...trigger];
}

function name(r: Obj): string {
  const m = isObj(r.metadata) ? r.metadata : {};
  return m.namespace ? `${String(m.namespace)}/${String(m.name)}` : String(m.name);
}

function generateOne(g: Obj, data: Obj, ctx: AdmissionContext, path: Path): { resource: Obj } | { outcome: Outcome } {
  const target = substitute({ apiVersion: g.apiVersion, kind: g.kind, name: g.name, namespace: g.namespace }, data) as Obj;
  if (isObj(g.data)) {
    const body = substitute(g.data, data) as Obj;
    const meta = isObj(body.metadata) ? { ...body.metadata } : {};
    meta.name = target.name;
    if (target.namespace !== undefined && target.namespace !== null && target.namespace !== '') meta.namespace = target.namespace;
    return { resource: { apiVersion: target.apiVersion, kind: target.kind, ...body, metadata: meta } };
  }
  if (isObj(g.clone)) {
    const src = substitute(g.clone, data) as Obj;
    // Kyverno does not clone a resource onto itself.
    if (String(src.namespace ?? '') === String(target.namespace ?? '') && src.name === target.name) return { outcome: skip('the clone source is the resource to generate', [...path, 'clone']) };
    const found = sources(data, ctx).find((r) => {
      const m = isObj(r.metadata) ? r.metadata : {};
      return r.kind === target.kind && m.name === src.name && (namespaceOf(r) === String(src.namespace ?? '') || (m.namespace ?? '') === (src.namespace ?? ''));
    });
    if (!found) return { outcome: unknown(`clone source ${String(src.namespace ?? '')}/${String(src.name)} is not among the supplied resources`, [...path, 'clone']) };
    const copy = JSON.parse(JSON.stringify(found)) as Obj;
    const meta = isObj(copy.metadata) ? copy.metadata : {};
    for (const f of SERVER_FIELDS) delete meta[f];
    meta.name = target.name;
    if (target.namespace) meta.namespace = target.namespace;
    copy.metadata = meta;
    return { resource: copy };
  }
  return { outcome: error('generate rule has neither data nor clone', path) };
}
