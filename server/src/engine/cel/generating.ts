// GeneratingPolicy: each generate expression is `generator.Apply(namespace, objects)`; both
// arguments are evaluated and the objects recorded as what would be created. Clone sources come
// from resource.Get/List, which read the test's resources.
import type { AdmissionContext, PolicyResult } from '../types.ts';
import { openFrame, result, type Frame } from './frame.ts';
import { fromCel } from './runtime.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

/** Splits `generator.Apply(a, b)` into its two argument sources; undefined for any other shape. */
export function applyArguments(expression: string): [string, string] | undefined {
  const m = /^\s*generator\s*\.\s*Apply\s*\(([\s\S]*)\)\s*$/.exec(expression);
  if (!m) return undefined;
  const inner = m[1]!;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (quote) { if (ch === '\\') i++; else if (ch === quote) quote = ''; continue; }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) return [inner.slice(0, i), inner.slice(i + 1)];
  }
  return undefined;
}

function generate(frame: Frame, expression: string, path: (string | number)[]): Record<string, unknown>[] | ReturnType<typeof result> {
  const args = applyArguments(expression);
  if (!args) {
    const out = frame.scope.run(expression);
    if (!out.ok) return 'unknown' in out ? result(frame, 'unknown', out.unknown, path) : result(frame, 'error', out.error, path);
    return result(frame, 'unknown', 'the generate expression is not a generator.Apply call: what it creates is not modelled', path);
  }
  const ns = frame.scope.run(args[0]);
  const objs = frame.scope.run(args[1]);
  for (const o of [ns, objs]) if (!o.ok) return 'unknown' in o ? result(frame, 'unknown', o.unknown, path) : result(frame, 'error', o.error, path);
  const namespace = ns.ok ? String(ns.value) : '';
  const list = objs.ok ? fromCel(objs.value) : [];
  return asArray(list).filter(isObj).map((obj) => {
    const meta = isObj(obj.metadata) ? { ...obj.metadata } : {};
    if (namespace !== '') meta.namespace = namespace;
    return { ...obj, metadata: meta };
  });
}

export function evaluateGeneratingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const opened = openFrame(policy, resource, context, { autogenKeys: [] });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const { frame } = opened;
  const generated: Record<string, unknown>[] = [];
  const list = asArray(frame.spec.generate);
  for (let i = 0; i < list.length; i++) {
    const g = list[i];
    const path = ['spec', 'generate', i];
    if (!isObj(g) || typeof g.expression !== 'string') {
      return { rules: [result(frame, 'unknown', `generate entry ${i} is not a CEL expression (YAML templates are not modelled)`, path)], patched: resource };
    }
    const out = generate(frame, g.expression, path);
    if (!Array.isArray(out)) return { rules: [out], patched: resource };
    generated.push(...out);
  }
  return { rules: [result(frame, 'pass', `generates ${generated.length} resource(s)`, ['spec', 'generate'], { generated })], patched: resource };
}
