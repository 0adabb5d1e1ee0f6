// validate rules: pattern, anyPattern, deny, foreach, podSecurity, cel.
import type { AdmissionContext } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { substitute, substituteString } from '../jmespath/substitute.ts';
import { evaluateConditions } from './conditions.ts';
import { loadContext } from './context.ts';
import { evaluateList, withElement } from './list.ts';
import { matchPattern } from './pattern.ts';
import { error, fail, fromThrown, pass, skip, unknown, type Outcome } from './outcome.ts';
import { validatePodSecurity } from './podSecurity.ts';
import { validateCel } from './cel.ts';
import { isObj } from '../../k8s/objects.ts';
import { resolveReferences } from './references.ts';

type Obj = Record<string, unknown>;

export function message(raw: unknown, data: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    const m = substituteString(raw, data);
    return typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    return raw;
  }
}

const resolved = new WeakMap<Obj, Obj>();

/** `$(path)` references read the rule itself; the pattern is then matched as if written out. Once per rule object. */
function withReferences(raw: Obj): Obj {
  let v = resolved.get(raw);
  if (!v) resolved.set(raw, (v = resolveReferences(raw, { validate: raw }, ['validate']) as Obj));
  return v;
}

export function validateRule(raw: Obj, resource: Obj, data: Obj, ctx: AdmissionContext, path: Path): Outcome {
  const v = withReferences(raw);
  const msg = message(v.message, data);
  try {
    // Kyverno checks deny before patterns when a rule (oddly) has both.
    if (isObj(v.deny)) return denyOutcome(v.deny, data, msg, [...path, 'deny']);
    if (v.pattern !== undefined) return patternOutcome(v.pattern, resource, data, msg, [...path, 'pattern']);
    if (Array.isArray(v.anyPattern)) return anyPatternOutcome(v.anyPattern, resource, data, msg, [...path, 'anyPattern']);
    if (Array.isArray(v.foreach)) return foreachOutcome(v.foreach as Obj[], resource, data, ctx, 0, [...path, 'foreach']);
    if (isObj(v.podSecurity)) return validatePodSecurity(v.podSecurity, resource, msg, [...path, 'podSecurity']);
    if (isObj(v.cel)) return validateCel(v.cel, resource, data, ctx, [...path, 'cel'], v.message);
    if (v.manifests !== undefined) return unknown('manifest signature verification is not modelled', [...path, 'manifests']);
    if (v.assert !== undefined) return unknown('validate.assert (kyverno-json assertion trees) is not modelled', [...path, 'assert']);
    return error('validate rule has no pattern, anyPattern, deny, foreach, podSecurity or cel', path);
  } catch (e) {
    return fromThrown(e, path);
  }
}

function patternOutcome(raw: unknown, resource: Obj, data: Obj, msg: string, path: Path): Outcome {
  const pattern = substitute(raw, data);
  const r = matchPattern(resource, pattern);
  if (r.ok) return pass('the resource matches the pattern', path);
  if (r.skip) return skip(`a conditional anchor does not hold: ${r.message}`, path);
  return fail(`validation error: ${msg}${msg ? ' ' : ''}(failed at path ${r.path}: ${r.message})`, path);
}

function anyPatternOutcome(patterns: unknown[], resource: Obj, data: Obj, msg: string, path: Path): Outcome {
  let failed = 0;
  let skipped = 0;
  const reasons: string[] = [];
  for (let i = 0; i < patterns.length; i++) {
    const pattern = substitute(patterns[i], data);
    const r = matchPattern(resource, pattern);
    if (r.ok) return pass(`anyPattern[${i}] matches`, [...path, i]);
    if (r.skip) skipped++;
    else failed++;
    reasons.push(`anyPattern[${i}] ${r.skip ? 'skipped' : 'failed'} at ${r.path}`);
  }
  if (failed === 0 && skipped > 0) return skip(reasons.join('; '), path);
  return fail(`validation error: ${msg}${msg ? ' ' : ''}(${reasons.join('; ')})`, path);
}

function denyOutcome(deny: Obj, data: Obj, msg: string, path: Path): Outcome {
  const r = evaluateConditions(deny.conditions, data);
  return r.result ? fail(`denied: ${msg || 'the deny conditions hold'}`, [...path, 'conditions']) : pass('the deny conditions do not hold', [...path, 'conditions']);
}

/** Runs every foreach declaration; the first non-pass result decides, and no applied element at all is a skip. */
export function foreachOutcome(foreachList: Obj[], resource: Obj, data: Obj, ctx: AdmissionContext, nesting: number, path: Path): Outcome {
  let applied = 0;
  for (let f = 0; f < foreachList.length; f++) {
    const fe = foreachList[f]!;
    const fpath = [...path, f];
    let elements: unknown[];
    try {
      elements = evaluateList(fe.list, data);
    } catch (e) {
      const o = fromThrown(e, [...fpath, 'list']);
      if (o.status === 'unknown') return o;
      continue;
    }
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i];
      if (element === null || element === undefined) continue;
      const elemData = withElement(data, element, i, nesting);
      const scoped = fe.elementScope === undefined ? isObj(element) : fe.elementScope === true && isObj(element);
      const target = scoped ? (element as Obj) : resource;
      const r = foreachElement(fe, target, resource, elemData, ctx, nesting, fpath);
      if (r.status === 'skip') continue;
      if (r.status === 'error' && i < elements.length - 1) continue;
      if (r.status !== 'pass') return { ...r, reason: `validation failure in element ${i}: ${r.reason}` };
      applied++;
    }
  }
  return applied === 0 ? skip('no foreach element applied', path) : pass('every foreach element passed', path);
}

function foreachElement(fe: Obj, target: Obj, resource: Obj, data: Obj, ctx: AdmissionContext, nesting: number, path: Path): Outcome {
  try {
    loadContext(fe.context, data, ctx);
    const pre = evaluateConditions(fe.preconditions, data);
    if (!pre.result) return skip(`preconditions not met: ${pre.message}`, [...path, 'preconditions']);
    const msg = '';
    if (isObj(fe.deny)) return denyOutcome(fe.deny, data, msg, [...path, 'deny']);
    if (fe.pattern === undefined && !Array.isArray(fe.anyPattern) && !Array.isArray(fe.foreach)) return error('foreach has no deny, pattern, anyPattern or foreach', path);
    if (fe.pattern !== undefined) return patternOutcome(fe.pattern, target, data, msg, [...path, 'pattern']);
    if (Array.isArray(fe.anyPattern)) return anyPatternOutcome(fe.anyPattern, target, data, msg, [...path, 'anyPattern']);
    if (Array.isArray(fe.foreach)) return foreachOutcome(fe.foreach as Obj[], resource, data, ctx, nesting + 1, [...path, 'foreach']);
    return error('foreach has no deny, pattern, anyPattern or foreach', path);
  } catch (e) {
    return fromThrown(e, path);
  }
}
