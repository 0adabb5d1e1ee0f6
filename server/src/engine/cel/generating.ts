// GeneratingPolicy: each generate entry is an expression calling `generator.Apply(namespace,
// objects)` (anywhere: in a loop, a condition) or a YAML template; what it would create is
// recorded, never written. Clone sources come from resource.Get/List, which read the suite's
// resources.
import type { AdmissionContext, PolicyResult, RuleResult } from '../types.ts';
import { openFrame, result, type Frame } from './frame.ts';
import { fromCel } from './runtime.ts';
import { asArray } from './values.ts';
import { parseYaml } from '../../yaml/parse.ts';
import { isObj } from '../../k8s/objects.ts';

type Obj = Record<string, unknown>;

// What the API server and Kyverno drop from an object they are asked to create.
const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'selfLink'];

function downstream(obj: Obj, namespace: string): Obj {
  const meta: Obj = isObj(obj.metadata) ? { ...obj.metadata } : {};
  for (const f of SERVER_FIELDS) delete meta[f];
  if (namespace !== '') meta.namespace = namespace;
  return { ...obj, metadata: meta };
}

type Step = Obj[] | RuleResult;

function failed(frame: Frame, out: { ok: false; error: string } | { ok: false; unknown: string }, path: (string | number)[]): RuleResult {
  return 'unknown' in out ? result(frame, 'unknown', out.unknown, path) : result(frame, 'error', out.error, path);
}

function fromExpression(frame: Frame, expression: string, path: (string | number)[]): Step {
  // The expression runs as written; generator.Apply records each call the evaluation reaches.
  const calls: { namespace: string; objects: unknown[] }[] = [];
  frame.scope.io.generated = calls;
  try {
    const out = frame.scope.run(expression);
    if (!out.ok) return failed(frame, out, path);
  } finally {
    delete frame.scope.io.generated;
  }
  return calls.flatMap((c) => asArray(fromCel(c.objects)).filter(isObj).map((o) => downstream(o, c.namespace)));
}

const PLACEHOLDER = /(\\?)\(\(([\s\S]*?)\)\)/g;

/** A template's scalars with their `(( expr ))` placeholders evaluated: whole values spliced, embedded ones as text. */
function interpolate(frame: Frame, value: unknown, path: (string | number)[]): unknown {
  if (Array.isArray(value)) return value.map((v) => interpolate(frame, v, path));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(frame, v, path)]));
  if (typeof value !== 'string' || !value.includes('((')) return value;
  const whole = /^\s*\(\(([\s\S]*?)\)\)\s*$/.exec(value);
  const evaluate = (expr: string): unknown => {
    const out = frame.scope.run(expr.trim());
    if (!out.ok) throw failed(frame, out, path);
    return fromCel(out.value);
  };
  if (whole && !whole[1]!.includes('((')) return evaluate(whole[1]!);
  return value.replace(PLACEHOLDER, (_all, escaped: string, expr: string) => (escaped ? `((${expr}))` : String(evaluate(expr))));
}

/** A NamespacedGeneratingPolicy's documents without a namespace land in the policy's own. */
function fromTemplate(frame: Frame, template: Obj, path: (string | number)[], policyNamespace: string): Step {
  if (typeof template.value !== 'string') return result(frame, 'error', 'the template has no value', path);
  const parsed = parseYaml(template.value);
  const problem = parsed.errors[0] ?? parsed.documents.flatMap((d) => d.errors)[0];
  if (problem) return result(frame, 'error', `the template is not YAML: ${problem.message}`, [...path, 'value']);
  const docs = parsed.documents.map((d) => d.value).filter(isObj);
  const place = (d: Obj): Obj => downstream(d, isObj(d.metadata) && d.metadata.namespace ? '' : policyNamespace);
  if (template.interpolate !== 'cel') return docs.map(place);
  try {
    return docs.map((d) => place(interpolate(frame, d, [...path, 'value']) as Obj));
  } catch (e) {
    if (isObj(e) && typeof e.status === 'string') return e as unknown as RuleResult;
    throw e;
  }
}

export function evaluateGeneratingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const opened = openFrame(policy, resource, context, { autogenKeys: [] });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const { frame } = opened;
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const policyNamespace = String(policy.kind ?? '').startsWith('Namespaced') ? String(meta.namespace ?? '') : '';
  const generated: Obj[] = [];
  const list = asArray(frame.spec.generate);
  for (let i = 0; i < list.length; i++) {
    const g = list[i];
    const path = ['spec', 'generate', i];
    let step: Step;
    if (isObj(g) && typeof g.expression === 'string') step = fromExpression(frame, g.expression, [...path, 'expression']);
    else if (isObj(g) && isObj(g.template)) step = fromTemplate(frame, g.template, [...path, 'template'], policyNamespace);
    else step = result(frame, 'error', `generate entry ${i} has neither an expression nor a template`, path);
    if (!Array.isArray(step)) return { rules: [step], patched: resource };
    generated.push(...step);
  }
  return { rules: [result(frame, 'pass', `generates ${generated.length} resource(s)`, ['spec', 'generate'], { generated })], patched: resource };
}
