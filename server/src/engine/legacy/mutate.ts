// mutate rules: patchStrategicMerge (with anchors), patchesJson6902, foreach; the patched resource.
import deepEqual from 'fast-deep-equal';
import { parse as parseYaml } from 'yaml';
import type { AdmissionContext } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { substitute } from '../jmespath/substitute.ts';
import { evaluateConditions } from './conditions.ts';
import { loadContext } from './context.ts';
import { evaluateList, withElement } from './list.ts';
import { applyJsonPatch, type PatchOp } from './jsonPatch.ts';
import { ConditionNotMet, preprocess } from './smpAnchors.ts';
import { strategicMerge } from './smp.ts';
import { error, fromThrown, pass, skip, unknown, type Outcome } from './outcome.ts';
import { mutateExisting } from './mutateExisting.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

/** Data with request.object pointing at the resource as mutated so far. */
function withObject(data: Obj, resource: Obj): Obj {
  const request = isObj(data.request) ? data.request : {};
  return { ...data, request: { ...request, object: resource } };
}

type Step = { resource: Obj } | { outcome: Outcome };

function applyPatches(m: Obj, resource: Obj, data: Obj, path: Path): Step {
  let current = resource;
  if (m.patchStrategicMerge !== undefined) {
    const patch = substitute(m.patchStrategicMerge, data);
    let plain: unknown;
    try {
      plain = preprocess(patch, current);
    } catch (e) {
      if (e instanceof ConditionNotMet) return { outcome: skip(`patch not applied: ${e.message}`, [...path, 'patchStrategicMerge']) };
      throw e;
    }
    current = strategicMerge(current, plain, typeof current.kind === 'string' ? current.kind : undefined) as Obj;
  }
  if (m.patchesJson6902 !== undefined) {
    const text = substitute(m.patchesJson6902, data);
    const ops = typeof text === 'string' ? parseYaml(text, { maxAliasCount: 100, logLevel: 'error' }) : text;
    if (!Array.isArray(ops)) return { outcome: error('patchesJson6902 is not a list of operations', [...path, 'patchesJson6902']) };
    current = applyJsonPatch(current, ops as PatchOp[]) as Obj;
  }
  return { resource: current };
}

/**
 * A mutate-existing rule on one target: its patches, then its foreach, each element patching the
 * target while request.object stays the trigger (Kyverno's context resource) until a foreach entry
 * patched something; then it is the patched target.
 */
function applyToTarget(m: Obj, target: Obj, data: Obj, ctx: AdmissionContext, path: Path): Step {
  let current = target;
  if (m.patchStrategicMerge !== undefined || m.patchesJson6902 !== undefined) {
    const step = applyPatches(m, current, data, path);
    if ('outcome' in step) return step;
    current = step.resource;
  }
  if (!Array.isArray(m.foreach)) return { resource: current };
  const request = isObj(data.request) ? data.request : {};
  return foreachMutate(m.foreach as Obj[], current, data, ctx, 0, [...path, 'foreach'], { object: isObj(request.object) ? request.object : current });
}

export function mutateRule(m: Obj, resource: Obj, data: Obj, ctx: AdmissionContext, path: Path): Outcome {
  if (m.targets !== undefined) return mutateExisting(m, resource, data, ctx, path, (mm, target, d, p) => applyToTarget(mm, target, d, ctx, p));
  try {
    let current = resource;
    if (m.patchStrategicMerge !== undefined || m.patchesJson6902 !== undefined) {
      const step = applyPatches(m, current, withObject(data, current), path);
      if ('outcome' in step) return step.outcome;
      current = step.resource;
    }
    if (Array.isArray(m.foreach)) {
      const r = foreachMutate(m.foreach as Obj[], current, data, ctx, 0, [...path, 'foreach']);
      if ('outcome' in r) return r.outcome;
      current = r.resource;
    }
    if (deepEqual(current, resource)) return { ...skip('no patches applied', path), patched: resource };
    return { ...pass('mutation applied', path), patched: current };
  } catch (e) {
    return fromThrown(e, path);
  }
}

/** `fixed`: request.object as a mutate-existing rule sees it (not the resource being patched). */
function foreachMutate(list: Obj[], resource: Obj, data: Obj, ctx: AdmissionContext, nesting: number, path: Path, fixed?: { object: Obj }): Step {
  let current = resource;
  const objectData = () => withObject(data, fixed ? fixed.object : current);
  for (let f = 0; f < list.length; f++) {
    const fe = list[f]!;
    const fpath = [...path, f];
    const before = current;
    let elements: unknown[];
    try {
      elements = evaluateList(fe.list, objectData());
    } catch (e) {
      const o = fromThrown(e, [...fpath, 'list']);
      if (o.status === 'unknown') return { outcome: o };
      continue;
    }
    // `order: Descending` lets index-based JSON patches remove elements safely; Ascending is the default.
    const indexes = elements.map((_e, i) => i);
    if (fe.order === 'Descending') indexes.reverse();
    for (const i of indexes) {
      const elemData = withElement(objectData(), elements[i], i, nesting);
      loadContext(fe.context, elemData, ctx);
      if (!evaluateConditions(fe.preconditions, elemData).result) continue;
      if (fe.patchStrategicMerge !== undefined || fe.patchesJson6902 !== undefined) {
        const step = applyPatches(fe, current, elemData, fpath);
        if ('outcome' in step) {
          if (step.outcome.status === 'skip') continue;
          return step;
        }
        current = step.resource;
      }
      if (Array.isArray(fe.foreach)) {
        const step = foreachMutate(fe.foreach as Obj[], current, elemData, ctx, nesting + 1, [...fpath, 'foreach'], fixed && { object: fixed.object });
        if ('outcome' in step) return step;
        current = step.resource;
      }
    }
    if (fixed && nesting === 0 && !deepEqual(before, current)) fixed.object = current;
  }
  return { resource: current };
}
