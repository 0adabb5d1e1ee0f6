// Strategic-merge preprocessing (Kyverno's strategicPreprocessing): resolves add-if-absent,
// conditional and global anchors of a patchStrategicMerge overlay against the resource, expands
// conditional list elements into one element per matching resource element (by `name`), and
// finally strips what is left of the anchors. The quirks are Kyverno's and kept on purpose.
import { parseAnchor, type Anchor } from './anchors.ts';
import { matchPattern } from './pattern.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

/** A condition did not hold: a list element is skipped; at the top the whole patch is. */
export class ConditionNotMet extends Error {
  constructor(message: string, readonly global = false) {
    super(message);
  }
}

const isCondition = (a: Anchor | undefined) => a !== undefined && (a.kind === 'condition' || a.kind === 'global');
const isAnyAnchor = (a: Anchor | undefined) => isCondition(a) || a?.kind === 'addIfAbsent';
const has = (o: unknown, key: string) => isObj(o) && Object.prototype.hasOwnProperty.call(o, key);

/** Returns the plain patch, or throws ConditionNotMet when an anchor rules the patch out. */
export function preprocess(patch: unknown, resource: unknown): unknown {
  const pattern = structuredClone(patch);
  walk(pattern, resource);
  if (isObj(pattern)) deleteConditionElements(pattern);
  return pattern;
}

function walk(pattern: unknown, resource: unknown): void {
  if (isObj(pattern)) walkMap(pattern, resource);
  else if (Array.isArray(pattern) && pattern.length > 0 && isObj(pattern[0])) walkListOfMaps(pattern, resource);
}

function renameKey(obj: Obj, from: string, to: string): void {
  const entries = Object.entries(obj).map(([k, v]) => [k === from ? to : k, v] as const);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const [k, v] of entries) obj[k] = v;
}

/** `+(key)`: dropped when the resource has the key, otherwise it becomes a plain key. */
function handleAddIfAbsent(pattern: unknown, resource: unknown): number {
  if (!isObj(pattern)) return 0;
  let count = 0;
  for (const key of Object.keys(pattern)) {
    const a = parseAnchor(key);
    if (a?.kind !== 'addIfAbsent') continue;
    count++;
    if (has(resource, a.key)) delete pattern[key];
    else renameKey(pattern, key, a.key);
  }
  return count;
}

function validateConditions(pattern: Obj, resource: unknown): void {
  for (const kind of ['global', 'condition'] as const) {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (a?.kind !== kind) continue;
      const fail = (why: string) => new ConditionNotMet(`${kind} anchor ${a.key}: ${why}`, kind === 'global');
      if (!has(resource, a.key)) throw fail('the key is absent');
      const value = (resource as Obj)[a.key];
      // A condition holding add-if-absent anchors only requires the key; its +() keys are resolved here.
      if (handleAddIfAbsent(pattern[key], value) > 0) continue;
      const r = matchPattern(value, pattern[key]);
      if (!r.ok) throw fail(r.message);
    }
  }
}

function walkMap(pattern: Obj, resource: unknown): void {
  handleAddIfAbsent(pattern, resource);
  validateConditions(pattern, resource);
  for (const key of Object.keys(pattern)) {
    if (isAnyAnchor(parseAnchor(key))) continue;
    walk(pattern[key], isObj(resource) ? resource[key] : undefined);
  }
}

function hasAnchors(node: unknown, pred: (a: Anchor | undefined) => boolean): boolean {
  if (isObj(node)) return Object.entries(node).some(([k, v]) => pred(parseAnchor(k)) || hasAnchors(v, pred));
  if (Array.isArray(node)) return node.some((e) => hasAnchors(e, pred));
  return typeof node === 'string' && isCondition(parseAnchor(node));
}

function walkListOfMaps(pattern: unknown[], resource: unknown): void {
  const elements = Array.isArray(resource) ? resource : [];
  for (const element of [...pattern]) {
    if (!hasAnchors(element, isAnyAnchor)) continue;
    const hasGlobal = hasAnchors(element, (a) => a?.kind === 'global');
    let globalPassed = false;
    let lastGlobal: ConditionNotMet | undefined;
    // One working copy for all resource elements: Kyverno resolves +() against the first that gets through.
    const copy = structuredClone(element);
    for (const item of elements) {
      try {
        walk(copy, item);
      } catch (e) {
        if (e instanceof ConditionNotMet) {
          if (e.global) lastGlobal = e;
          continue;
        }
        throw e;
      }
      if (hasGlobal) globalPassed = true;
      else appendNamed(pattern, copy, item);
    }
    if (resource === undefined || resource === null) {
      try {
        walk(copy, undefined);
        if (hasGlobal) globalPassed = true;
      } catch (e) {
        if (!(e instanceof ConditionNotMet) || e.global) throw e;
      }
    }
    if (!globalPassed && lastGlobal) throw lastGlobal;
  }
}

/** A copy of the processed element, tied to the resource element by its `name`. */
function appendNamed(pattern: unknown[], element: unknown, item: unknown): void {
  if (!isObj(item) || item.name === undefined || item.name === null || item.name === '') return;
  const node = structuredClone(element);
  if (deleteAnchors(node, true)) return;
  (node as Obj).name = item.name;
  pattern.push(node);
}

function deleteConditionElements(pattern: Obj): void {
  for (const key of Object.keys(pattern)) {
    if (deleteAnchors(pattern[key], isCondition(parseAnchor(key)))) delete pattern[key];
  }
}

/** Removes anchors; true when nothing but anchors (or nothing at all) was left, so the node goes too. */
function deleteAnchors(node: unknown, deleteScalar: boolean): boolean {
  if (isObj(node)) return deleteAnchorsInMap(node);
  if (Array.isArray(node)) return deleteAnchorsInList(node);
  return deleteScalar;
}

function deleteAnchorsInMap(node: Obj): boolean {
  let anchorsLeft = false;
  for (const key of Object.keys(node)) {
    if (!isCondition(parseAnchor(key))) continue;
    if (deleteAnchors(node[key], true)) delete node[key];
    else anchorsLeft = true;
  }
  if (anchorsLeft) {
    for (const key of Object.keys(node)) {
      const a = parseAnchor(key);
      if (isCondition(a)) renameKey(node, key, a!.key);
    }
  }
  let deleteMe = true;
  for (const key of Object.keys(node)) {
    if (deleteAnchors(node[key], false)) delete node[key];
    else deleteMe = false;
  }
  return deleteMe;
}

function deleteAnchorsInList(node: unknown[]): boolean {
  const wasEmpty = node.length === 0;
  const kept = node.filter((e) => !hasAnchors(e, isAnyAnchor) && !deleteAnchors(e, false));
  node.splice(0, node.length, ...kept);
  return node.length === 0 && !wasEmpty;
}
