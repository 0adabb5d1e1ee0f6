// MutatingPolicy and MutatingAdmissionPolicy: mutations in order, each one seeing the object the
// previous one produced; ApplyConfiguration merged as server-side apply does, JSONPatch applied
// as RFC 6902.
import jsonpatch, { type Operation } from 'fast-json-patch';
import type { AdmissionContext, PolicyResult, RuleResult } from '../types.ts';
import { applyConfiguration } from './applyConfiguration.ts';
import { CEL_AUTOGEN_CONTROLLERS, autogenControllers, canAutogen } from '../../model/celAutogen.ts';
import { openFrame, result, type Frame } from './frame.ts';
import { mutateExistingEnabled, mutateExistingTargets } from './mutateExisting.ts';
import { asArray, clone, fromCel } from './values.ts';
import { isObj } from '../../k8s/objects.ts';
import { podTemplateField } from '../../k8s/workloads.ts';

export function evaluateMutatingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const isKyverno = policy.kind === 'MutatingPolicy' || policy.kind === 'NamespacedMutatingPolicy';
  const opened = openFrame(policy, resource, context, { autogenKeys: [], ...(isKyverno ? { autogen: mutatingAutogen } : {}) });
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const r = runMutations(opened.frame, resource);
  // Mutate existing: the targets too, each on its own; the trigger's own mutation stands.
  if (isKyverno && mutateExistingEnabled(opened.frame.spec)) r.targets = mutateExistingTargets(opened.frame, resource, context);
  return { rules: [r], patched: r.patched ?? resource };
}

export function runMutations(frame: Frame, resource: Record<string, unknown>): RuleResult {
  let current = clone(resource);
  const list = asArray(frame.spec.mutations);
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isObj(m)) continue;
    // Each mutation sees the previous one's output (variables included), as the API server re-evaluates per patch.
    const scope = i === 0 ? frame.scope : frame.scope.withObject(current);
    const type = String(m.patchType ?? (isObj(m.applyConfiguration) ? 'ApplyConfiguration' : 'JSONPatch'));
    const body = type === 'ApplyConfiguration' ? m.applyConfiguration : m.jsonPatch;
    const path = [...frame.specPath, 'mutations', i, type === 'ApplyConfiguration' ? 'applyConfiguration' : 'jsonPatch', 'expression'];
    if (!isObj(body) || typeof body.expression !== 'string') return result(frame, 'error', `mutation ${i} has no expression`, path);
    const out = scope.run(body.expression);
    if (!out.ok) return 'unknown' in out ? result(frame, 'unknown', out.unknown, path) : result(frame, 'error', `mutation ${i}: ${out.error}`, path);
    const value = fromCel(out.value);
    if (type === 'ApplyConfiguration') {
      if (!isObj(value)) return result(frame, 'error', `mutation ${i}: apply configuration is not an object`, path);
      current = applyConfiguration(current, value) as Record<string, unknown>;
    } else {
      if (!Array.isArray(value)) return result(frame, 'error', `mutation ${i}: JSONPatch expression did not return a list`, path);
      try {
        current = jsonpatch.applyPatch(current, value as Operation[], true, false).newDocument;
      } catch (e) {
        return result(frame, 'error', `mutation ${i}: ${(e as Error).message.split('\n')[0]}`, path);
      }
    }
  }
  return result(frame, 'pass', 'mutations applied', [...frame.specPath, 'mutations'], { patched: current });
}

/**
 * Kyverno's MutatingPolicy autogen rewrites only matchConditions and apply configurations: the
 * object's spec and labels/annotations move into the Pod template, and a top-level `Object{...}`
 * is wrapped into the template. Variables and JSON patches are left as written.
 */
function mutatingAutogen(spec: Record<string, unknown>): { prefix: string; spec: Record<string, unknown> }[] {
  if (!canAutogen(spec.matchConstraints)) return [];
  const chosen = autogenControllers(spec);
  const mc = spec.matchConstraints as Record<string, unknown>;
  const first = asArray(mc.resourceRules)[0];
  const operations = isObj(first) ? first.operations : undefined;
  const out: { prefix: string; spec: Record<string, unknown> }[] = [];
  for (const config of ['', 'cronjobs']) {
    const names = chosen.filter((c) => CEL_AUTOGEN_CONTROLLERS[c]!.cron === (config === 'cronjobs'));
    if (names.length === 0) continue;
    const byGroup = new Map<string, string[]>();
    for (const n of names) {
      const group = CEL_AUTOGEN_CONTROLLERS[n]!.group;
      byGroup.set(group, [...(byGroup.get(group) ?? []), n]);
    }
    const resourceRules = [...byGroup].map(([g, resources]) => ({ apiGroups: [g], apiVersions: ['v1'], resources, operations }));
    const conv = (e: unknown) => (typeof e === 'string' ? convertPodExpression(e, config === 'cronjobs') : e);
    const matchConditions = asArray(spec.matchConditions).map((c) => (isObj(c) ? { ...c, expression: conv(c.expression) } : c));
    const mutations = asArray(spec.mutations).map((m) => (isObj(m) && isObj(m.applyConfiguration) ? { ...m, applyConfiguration: { ...m.applyConfiguration, expression: conv(m.applyConfiguration.expression) } } : m));
    out.push({ prefix: config ? 'autogen-cronjobs' : 'autogen', spec: { ...spec, matchConstraints: { resourceRules }, matchConditions, mutations } });
  }
  return out;
}

export function convertPodExpression(expression: string, cron: boolean): string {
  const specTo = `${podTemplateField(cron)}.spec`;
  const metaTo = `${podTemplateField(cron)}.metadata`;
  let e = expression.replace(/\b(object|Object)\.spec/g, (_m, root: string) => `${root}.${specTo}`);
  e = e.replace(/\b(object|Object)\.metadata\.(labels|annotations)/g, (_m, root: string, f: string) => `${root}.${metaTo}.${f}`);
  const trimmed = e.trim();
  if (!trimmed.startsWith('Object{')) return e;
  const content = trimmed.slice('Object{'.length);
  let depth = 1;
  let end = -1;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === '{') depth++;
    else if (content[i] === '}' && --depth === 0) { end = i; break; }
  }
  if (end <= 0) return e;
  const wrapper = cron
    ? ['Object{spec: Object.spec{jobTemplate: Object.spec.jobTemplate{spec: Object.spec.jobTemplate.spec{template: Object.spec.jobTemplate.spec.template{', '}}}}}']
    : ['Object{spec: Object.spec{template: Object.spec.template{', '}}}'];
  return wrapper[0] + content.slice(0, end) + wrapper[1] + content.slice(end + 1);
}
