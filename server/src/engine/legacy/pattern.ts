// validate.pattern: walks a pattern tree against a resource with Kyverno's anchor semantics.
import { containsAnchor, parseAnchor } from './anchors.ts';
import { matchValue } from './valuePattern.ts';
import { hasWildcard, wildcardMatch } from '../match/wildcard.ts';
import { isObj } from '../../k8s/objects.ts';

/** How a mismatch propagates: conditional/global anchors turn the rule into a skip, the rest into a fail. */
export type MismatchKind = 'plain' | 'conditional' | 'global' | 'negation';

export interface Mismatch {
  kind: MismatchKind;
  path: string;
  message: string;
}

export type PatternOutcome = { ok: true } | { ok: false; skip: boolean; path: string; message: string };

type Obj = Record<string, unknown>;

const isSkip = (m: Mismatch) => m.kind === 'conditional' || m.kind === 'global';

export function matchPattern(resource: unknown, pattern: unknown): PatternOutcome {
  const m = element(resource, pattern, '/');
  if (!m) return { ok: true };
  return { ok: false, skip: isSkip(m), path: m.path, message: m.message };
}

function element(resource: unknown, pattern: unknown, path: string): Mismatch | undefined {
  if (isObj(pattern)) {
    if (!isObj(resource)) {
      return plain(path, `pattern and resource have different structures at ${path}: expected a map`);
    }
    return mapElement(resource, pattern, path);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) return plain(path, `validation rule failed at path ${path}, expected a list`);
    return arrayElement(resource, pattern, path);
  }
  if (Array.isArray(resource)) {
    for (const item of resource) {
      if (!matchValue(item, pattern)) return plain(path, `resource value '${show(resource)}' does not match '${show(pattern)}' at path ${path}`);
    }
    return undefined;
  }
  if (!matchValue(resource, pattern)) return plain(path, `resource value '${show(resource)}' does not match '${show(pattern)}' at path ${path}`);
  return undefined;
}

function mapElement(resource: Obj, rawPattern: Obj, path: string): Mismatch | undefined {
  const pattern = expandMetadataWildcards(rawPattern, resource);
  const anchored: [string, unknown][] = [];
  const globals: [string, unknown][] = [];
  const plainKeys: [string, unknown][] = [];
  for (const entry of Object.entries(pattern)) {
    const a = parseAnchor(entry[0]);
    if (a?.kind === 'global') globals.push(entry);
    else if (a && a.kind !== 'addIfAbsent') anchored.push(entry);
    else plainKeys.push(entry);
  }
  for (const [key, value] of anchored) {
    const m = handle(key, value, resource, path);
    if (m) return m;
  }
  // Then global anchors and keys holding nested anchors, so that a nested conditional or global
  // anchor decides a skip before a plain mismatch elsewhere can decide a failure.
  const ordered = [...globals, ...plainKeys.filter(([, v]) => containsAnchor(v)), ...plainKeys.filter(([, v]) => !containsAnchor(v))];
  for (const [key, value] of ordered) {
    const m = handle(key, value, resource, path);
    if (m) return m;
  }
  return undefined;
}

function handle(key: string, pattern: unknown, resource: Obj, path: string): Mismatch | undefined {
  const a = parseAnchor(key);
  if (!a || a.kind === 'addIfAbsent') {
    const here = `${path}${key}/`;
    const value = resource[key];
    if (pattern === '*') {
      return value !== undefined && value !== null ? undefined : plain(path, `${path}${key} not found`);
    }
    return element(value, pattern, here);
  }
  const here = `${path}${a.key}/`;
  const present = Object.prototype.hasOwnProperty.call(resource, a.key);
  const value = resource[a.key];
  switch (a.kind) {
    case 'negation':
      return present ? { kind: 'negation', path: here, message: `negation anchor matched in resource: ${here} is not allowed` } : undefined;
    case 'equality':
      return present ? element(value, pattern, here) : undefined;
    case 'condition': {
      if (!present) return { kind: 'conditional', path: here, message: `conditional anchor mismatch: ${here} does not exist in the resource` };
      const m = element(value, pattern, here);
      return m ? { kind: 'conditional', path: m.path, message: `conditional anchor mismatch: ${m.message}` } : undefined;
    }
    case 'global': {
      if (!present) return undefined;
      const m = element(value, pattern, here);
      return m ? { kind: 'global', path: m.path, message: `global anchor mismatch: ${m.message}` } : undefined;
    }
    case 'existence': {
      if (!present) return undefined;
      if (!Array.isArray(value)) return plain(here, `existence anchor ^() can be used only on a list at ${here}`);
      if (!Array.isArray(pattern)) return plain(here, `existence anchor pattern must be a list at ${here}`);
      for (const p of pattern) {
        if (!isObj(p)) return plain(here, `existence anchor items must be maps at ${here}`);
        if (!value.some((item, i) => element(item, p, `${here}${i}/`) === undefined)) {
          return plain(here, `existence anchor validation failed at path ${here}`);
        }
      }
      return undefined;
    }
  }
  return undefined;
}

function arrayElement(resource: unknown[], pattern: unknown[], path: string): Mismatch | undefined {
  if (pattern.length === 0) return plain(path, 'pattern array is empty');
  const first = pattern[0];
  if (isObj(first)) return eachElement(resource, (item, p) => element(item, first, p), path);
  if (!Array.isArray(first) && (first === null || typeof first !== 'object')) return element(resource, first, path);
  if (resource.length < pattern.length) return plain(path, `array length mismatch at ${path}`);
  return eachElement(pattern, (_p, p, i) => element(resource[i], pattern[i], p), path);
}

function eachElement(items: unknown[], check: (item: unknown, path: string, i: number) => Mismatch | undefined, path: string): Mismatch | undefined {
  let applied = 0;
  const skipped: Mismatch[] = [];
  for (let i = 0; i < items.length; i++) {
    const m = check(items[i], `${path}${i}/`, i);
    if (!m) {
      applied++;
      continue;
    }
    if (isSkip(m)) {
      skipped.push(m);
      continue;
    }
    return m;
  }
  if (applied === 0 && skipped.length > 0) {
    return { kind: skipped[0]!.kind, path, message: skipped.map((s) => s.message).join('; ') };
  }
  return undefined;
}

/** The pattern key (possibly anchored) naming `tag`, e.g. "=(metadata)" for "metadata". */
function keyFor(tag: string, pattern: Obj): string | undefined {
  return Object.keys(pattern).find((k) => (parseAnchor(k)?.key ?? k) === tag);
}

/** Wildcard keys under metadata.labels/annotations stand for the resource's matching keys. */
function expandMetadataWildcards(pattern: Obj, resource: Obj): Obj {
  const metaKey = keyFor('metadata', pattern);
  const meta = metaKey === undefined ? undefined : pattern[metaKey];
  if (!isObj(meta)) return pattern;
  const resMeta = isObj(resource.metadata) ? resource.metadata : {};
  let changed = false;
  const out: Obj = { ...meta };
  for (const field of ['labels', 'annotations']) {
    const fieldKey = keyFor(field, meta);
    const pm = fieldKey === undefined ? undefined : meta[fieldKey];
    if (!isObj(pm) || !Object.keys(pm).some(hasWildcard)) continue;
    const rm = isObj(resMeta[field]) ? (resMeta[field] as Obj) : {};
    const expanded: Obj = {};
    for (const [k, v] of Object.entries(pm)) {
      if (!hasWildcard(k)) {
        expanded[k] = v;
        continue;
      }
      const a = parseAnchor(k);
      const bare = a ? a.key : k;
      let hit: string | undefined;
      for (const [rk, rv] of Object.entries(rm)) {
        if (!wildcardMatch(bare, rk)) continue;
        if (a || typeof v !== 'string' || wildcardMatch(v, String(rv))) {
          hit = rk;
          break;
        }
      }
      if (a) expanded[hit === undefined ? k : k.replace(a.key, hit)] = v;
      else expanded[hit ?? bare.replace(/[*?]/g, '0')] = v;
    }
    out[fieldKey!] = expanded;
    changed = true;
  }
  return changed ? { ...pattern, [metaKey!]: out } : pattern;
}

function plain(path: string, message: string): Mismatch {
  return { kind: 'plain', path, message };
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}
