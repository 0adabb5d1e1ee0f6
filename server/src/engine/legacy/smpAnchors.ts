// Strategic-merge preprocessing: resolves conditional, global and add-if-absent anchors of a
// patchStrategicMerge overlay against the resource, leaving a plain patch (or a skip).
import { parseAnchor } from './anchors.ts';
import { matchPattern } from './pattern.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ConditionNotMet extends Error {
  constructor(message: string, readonly global = false) {
    super(message);
  }
}

const IDENTITY_KEYS = ['name', 'mountPath', 'containerPort', 'devicePath', 'ip', 'type', 'topologyKey'];

/** Returns the plain patch, or throws ConditionNotMet when an anchor rules the patch out. */
export function preprocess(patch: unknown, resource: unknown): unknown {
  if (isObj(patch)) return preprocessMap(patch, isObj(resource) ? resource : undefined);
  if (Array.isArray(patch)) return preprocessList(patch, Array.isArray(resource) ? resource : undefined);
  return patch;
}

function preprocessMap(patch: Obj, resource: Obj | undefined): Obj {
  // Conditions at this level first: a failing one removes this whole map from the patch.
  for (const [key, value] of Object.entries(patch)) {
    const a = parseAnchor(key);
    if (!a || (a.kind !== 'condition' && a.kind !== 'global')) continue;
    const present = resource !== undefined && Object.prototype.hasOwnProperty.call(resource, a.key);
    // Unlike validation, a mutation's global anchor on an absent key does not hold.
    if (!present) throw new ConditionNotMet(`${a.kind} anchor key ${a.key} is absent`, a.kind === 'global');
    const r = matchPattern(resource![a.key], value);
    if (!r.ok) throw new ConditionNotMet(`${a.kind} anchor ${a.key} does not match: ${r.message}`, a.kind === 'global');
  }
  const out: Obj = {};
  for (const [key, value] of Object.entries(patch)) {
    const a = parseAnchor(key);
    if (a && (a.kind === 'condition' || a.kind === 'global')) {
      // Conditional list keys stay as merge keys when they name the element (handled by the list level).
      continue;
    }
    if (a && a.kind === 'addIfAbsent') {
      if (resource !== undefined && Object.prototype.hasOwnProperty.call(resource, a.key)) continue;
      out[a.key] = preprocess(value, undefined);
      continue;
    }
    const k = a ? a.key : key;
    const processed = preprocess(value, resource?.[k]);
    // A list whose every element was conditional and matched nothing patches nothing.
    if (Array.isArray(value) && value.length > 0 && Array.isArray(processed) && processed.length === 0) continue;
    out[k] = processed;
  }
  return out;
}

function hasConditions(v: unknown): boolean {
  if (!isObj(v)) return false;
  return Object.entries(v).some(([k, x]) => {
    const a = parseAnchor(k);
    return (a !== undefined && (a.kind === 'condition' || a.kind === 'global')) || hasConditions(x);
  });
}

function preprocessList(patch: unknown[], resource: unknown[] | undefined): unknown[] {
  const out: unknown[] = [];
  for (const element of patch) {
    if (!isObj(element) || !hasConditions(element)) {
      out.push(preprocess(element, undefined));
      continue;
    }
    let globalFailure: ConditionNotMet | undefined;
    let anyGlobalPassed = false;
    const hasGlobal = Object.keys(element).some((k) => parseAnchor(k)?.kind === 'global');
    for (const item of resource ?? []) {
      let processed: Obj;
      try {
        processed = preprocessMap(element, isObj(item) ? item : undefined);
      } catch (e) {
        if (e instanceof ConditionNotMet) {
          if (e.global) globalFailure = e;
          continue;
        }
        throw e;
      }
      if (hasGlobal) anyGlobalPassed = true;
      // The generated element names the resource element it patches, by its merge key.
      if (isObj(item)) {
        const id = IDENTITY_KEYS.find((k) => item[k] !== undefined);
        if (id !== undefined) processed = { [id]: item[id], ...processed };
      }
      out.push(processed);
    }
    // A global anchor that no element satisfies (including an absent or empty list) gates the whole patch.
    if (hasGlobal && !anyGlobalPassed) throw globalFailure ?? new ConditionNotMet('no list element satisfies the global anchor', true);
  }
  return out;
}
