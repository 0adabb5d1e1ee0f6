// mutate rules with `targets` (mutate existing): the trigger stays as it is; each target found
// among the supplied cluster resources is patched with `target` in the data and request.object
// still the trigger, as Kyverno's background controller would patch it.
import deepEqual from 'fast-deep-equal';
import type { AdmissionContext, TargetResult } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { substitute } from '../jmespath/substitute.ts';
import { evaluateConditions } from './conditions.ts';
import { loadContext } from './context.ts';
import { error, fromThrown, pass, skip, type Outcome } from './outcome.ts';
import { selectorMatches, wildcardMatch } from '../match/index.ts';
import type { LabelSelector } from '../match/selector.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

function metaOf(o: Obj): Obj {
  return isObj(o.metadata) ? o.metadata : {};
}

/** The supplied resources one target entry names (apiVersion, kind, namespace, name with wildcards, selector). */
function resolveTarget(spec: Obj, ctx: AdmissionContext): Obj[] {
  const selector = isObj(spec.selector) ? (spec.selector as LabelSelector) : undefined;
  return (ctx.clusterResources ?? []).filter((r) => {
    const m = metaOf(r);
    if (r.kind !== spec.kind) return false;
    if (spec.apiVersion && r.apiVersion !== spec.apiVersion) return false;
    if (spec.namespace && !wildcardMatch(String(spec.namespace), String(m.namespace ?? ''))) return false;
    if (spec.name && !wildcardMatch(String(spec.name), String(m.name ?? ''))) return false;
    const labels = isObj(m.labels) ? (m.labels as Record<string, string>) : {};
    return !selector || selectorMatches(selector, labels);
  });
}

/** One target: its context and preconditions, then the rule's patches applied to it. */
function mutateTarget(m: Obj, spec: Obj, target: Obj, data: Obj, ctx: AdmissionContext, path: Path, apply: ApplyPatches): TargetResult {
  const targetData: Obj = { ...data, target };
  loadContext(spec.context, targetData, ctx);
  const pre = evaluateConditions(spec.preconditions, targetData);
  if (!pre.result) return { resource: target, status: 'skip', reason: `preconditions not met: ${pre.message}` };
  const step = apply(m, target, targetData, path);
  if ('outcome' in step) return { resource: target, status: step.outcome.status, reason: step.outcome.reason };
  if (deepEqual(step.resource, target)) return { resource: target, status: 'skip', reason: 'no patches applied' };
  return { resource: step.resource, status: 'pass', reason: `mutated ${String(target.kind)} ${String(metaOf(target).name)}` };
}

export type ApplyPatches = (m: Obj, resource: Obj, data: Obj, path: Path) => { resource: Obj } | { outcome: Outcome };

export function mutateExisting(m: Obj, trigger: Obj, data: Obj, ctx: AdmissionContext, path: Path, apply: ApplyPatches): Outcome {
  if (!Array.isArray(m.targets)) return error('mutate.targets is not a list', [...path, 'targets']);
  const targets: TargetResult[] = [];
  try {
    for (let t = 0; t < m.targets.length; t++) {
      const raw = m.targets[t];
      if (!isObj(raw)) continue;
      // context and preconditions read `target`: they are substituted per target, not here.
      const { context, preconditions, ...names } = raw;
      const spec: Obj = { ...(substitute(names, data) as Obj), context, preconditions };
      for (const target of resolveTarget(spec, ctx)) targets.push(mutateTarget(m, spec, target, data, ctx, path, apply));
    }
  } catch (e) {
    return { ...fromThrown(e, [...path, 'targets']), patched: trigger };
  }
  // Kyverno leaves the trigger as it is; each target is patched on its own.
  const decided = targets.find((t) => t.status === 'error' || t.status === 'unknown');
  if (decided) return { status: decided.status, reason: decided.reason, path: [...path, 'targets'], patched: trigger, targets };
  if (targets.some((t) => t.status === 'pass')) return { ...pass(`mutates ${targets.filter((t) => t.status === 'pass').length} existing resource(s)`, path), patched: trigger, targets };
  return { ...skip(targets.length ? targets[0]!.reason : 'no supplied resource matches the targets', [...path, 'targets']), patched: trigger, targets };
}
