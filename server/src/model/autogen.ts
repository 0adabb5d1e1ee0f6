// Kyverno's autogen: rules written for Pods, re-targeted at Pod controllers and CronJobs
// (pkg/autogen/v1 semantics: policy-wide eligibility, the controllers annotation, path rewriting).

import { POD_CONTROLLERS } from '../k8s/workloads.ts';
import { isObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const NON_CRON_CONTROLLERS = POD_CONTROLLERS.filter((c) => c !== 'CronJob');
export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';
const ANNOTATION = AUTOGEN_ANNOTATION;

function bareKind(k: string): string {
  const parts = k.split('/');
  const i = parts.findIndex((p) => /^[A-Z]/.test(p));
  return i >= 0 ? parts[i]! : parts[parts.length - 1]!;
}
const containsKind = (kinds: unknown, kind: string) => Array.isArray(kinds) && kinds.some((k) => typeof k === 'string' && bareKind(k) === kind);

function rulesOf(policy: Obj): Obj[] {
  const spec = isObj(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.rules) ? (spec.rules.filter(isObj) as Obj[]) : [];
}

type Path = (string | number)[];

/** Every resource description of a match/exclude block in Kyverno's order (resources, any, all), with its path in the block. */
function describedAt(block: unknown): { rd: Obj; path: Path }[] {
  if (!isObj(block)) return [];
  const out: { rd: Obj; path: Path }[] = [];
  if (isObj(block.resources)) out.push({ rd: block.resources, path: ['resources'] });
  for (const list of ['any', 'all'] as const) {
    const filters = block[list];
    if (Array.isArray(filters)) filters.forEach((f, i) => { if (isObj(f) && isObj(f.resources)) out.push({ rd: f.resources, path: [list, i, 'resources'] }); });
  }
  return out;
}

function descriptions(block: unknown): Obj[] {
  return describedAt(block).map((d) => d.rd);
}

function blockKinds(block: unknown): string[] {
  return descriptions(block).flatMap((d) => (Array.isArray(d.kinds) ? (d.kinds as string[]) : []));
}

/** Why Kyverno's CanAutoGen refuses a policy: the field that disables autogen for every rule of it. */
export type AutogenSkipReason = 'generate' | 'patchesJson6902' | 'name' | 'names' | 'selector' | 'annotations' | 'kinds';

export interface AutogenSkip {
  reason: AutogenSkipReason;
  /** Index of the rule in spec.rules. */
  rule: number;
  /** Path of the offending field from the policy root. */
  path: Path;
}

/** The first field (in Kyverno's order) that disables autogen for the whole policy, if any. */
export function autogenSkip(policy: Obj): AutogenSkip | undefined {
  return eligibility(policy).skip;
}

/** CanAutoGen: one ineligible rule disables autogen for the whole policy; `needed` when some rule names Pods or controllers. */
function eligibility(policy: Obj): { skip?: AutogenSkip; needed: boolean } {
  let needed = false;
  const spec = isObj(policy.spec) ? policy.spec : {};
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!isObj(rule)) continue;
    const at = (...p: Path): AutogenSkip['path'] => ['spec', 'rules', i, ...p];
    if (isObj(rule.generate)) return { skip: { reason: 'generate', rule: i, path: at('generate') }, needed };
    const mutate = isObj(rule.mutate) ? rule.mutate : undefined;
    if (mutate) {
      if (mutate.patchesJson6902) return { skip: { reason: 'patchesJson6902', rule: i, path: at('mutate', 'patchesJson6902') }, needed };
      const each = Array.isArray(mutate.foreach) ? mutate.foreach.findIndex((f) => isObj(f) && f.patchesJson6902) : -1;
      if (each >= 0) return { skip: { reason: 'patchesJson6902', rule: i, path: at('mutate', 'foreach', each, 'patchesJson6902') }, needed };
    }
    for (const blockKey of ['match', 'exclude'] as const) {
      for (const { rd, path } of describedAt(rule[blockKey])) {
        const kinds = Array.isArray(rd.kinds) ? (rd.kinds as string[]) : [];
        const field = rd.name ? 'name' : Array.isArray(rd.names) && rd.names.length > 0 ? 'names' : rd.selector ? 'selector' : rd.annotations ? 'annotations' : undefined;
        if (field) return { skip: { reason: field, rule: i, path: at(blockKey, ...path, field) }, needed };
        if (kinds.length > 1 && containsKind(kinds, 'Pod')) return { skip: { reason: 'kinds', rule: i, path: at(blockKey, ...path, 'kinds') }, needed };
        if (kinds.some((k) => k === 'Pod' || POD_CONTROLLERS.includes(k))) needed = true;
      }
    }
  }
  return { needed };
}

function canAutogen(policy: Obj): boolean {
  const { skip, needed } = eligibility(policy);
  return !skip && needed;
}

/** The policy's explicit choice in the autogen-controllers annotation ('none' is an explicit opt-out), if any. */
export function requestedControllers(policy: Obj): string | undefined {
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  const requested = annotations[ANNOTATION];
  return typeof requested === 'string' ? requested : undefined;
}

/** The controllers autogen targets for this policy ([] when none). */
export function autogenKinds(policy: Obj): string[] {
  if (!canAutogen(policy)) return [];
  const requested = requestedControllers(policy);
  if (requested === undefined) return [...POD_CONTROLLERS];
  if (requested === 'none') return [];
  return requested.split(',').map((s) => s.trim()).filter(Boolean);
}

type Rewrite = (r: Obj[], kinds: string[]) => Obj[];

function retarget(block: unknown, kinds: string[], rewrite: Rewrite, onlyWhenKinds: boolean): unknown {
  if (!isObj(block)) return block;
  const out = clone(block);
  if (Array.isArray(out.any) && out.any.length > 0) out.any = rewrite(out.any as Obj[], kinds);
  else if (Array.isArray(out.all) && out.all.length > 0) out.all = rewrite(out.all as Obj[], kinds);
  else {
    const rd = isObj(out.resources) ? out.resources : (out.resources = {});
    if (!onlyWhenKinds || (Array.isArray(rd.kinds) && rd.kinds.length > 0)) rd.kinds = [...kinds];
  }
  return out;
}

function wrap(tplKey: string, pattern: unknown): Obj {
  return { spec: { [tplKey]: pattern } };
}

/** generateRule: the rule re-targeted at `kinds`, its patterns nested under spec.<tplKey>. */
function generateRule(name: string, rule: Obj | undefined, tplKey: string, kinds: string[], rewrite: Rewrite): Obj | undefined {
  if (!rule) return undefined;
  const out = clone(rule);
  out.name = name;
  out.match = retarget(out.match ?? {}, kinds, rewrite, false);
  if (out.exclude !== undefined) out.exclude = retarget(out.exclude, kinds, rewrite, true);
  const mutate = isObj(out.mutate) ? out.mutate : undefined;
  if (mutate) {
    if (mutate.patchStrategicMerge !== undefined) {
      out.mutate = { patchStrategicMerge: wrap(tplKey, mutate.patchStrategicMerge) };
      return out;
    }
    if (Array.isArray(mutate.foreach) && mutate.foreach.length > 0) {
      out.mutate = {
        foreach: (mutate.foreach as Obj[]).map((f) => ({
          list: f.list,
          context: f.context,
          preconditions: f.preconditions,
          patchStrategicMerge: wrap(tplKey, f.patchStrategicMerge),
        })),
      };
      return out;
    }
  }
  const validate = isObj(out.validate) ? out.validate : undefined;
  if (validate) {
    const keep = (extra: Obj): Obj => {
      const v: Obj = { ...extra };
      for (const k of ['message', 'failureAction', 'failureActionOverrides', 'allowExistingViolations', 'validationFailureAction']) if (validate[k] !== undefined) v[k] = validate[k];
      return v;
    };
    if (validate.pattern !== undefined) {
      out.validate = keep({ pattern: wrap(tplKey, validate.pattern) });
      return out;
    }
    if (validate.deny !== undefined) {
      out.validate = keep({ deny: validate.deny });
      return out;
    }
    if (validate.podSecurity !== undefined) {
      out.validate = keep({ podSecurity: validate.podSecurity });
      return out;
    }
    if (Array.isArray(validate.anyPattern)) {
      out.validate = keep({ anyPattern: validate.anyPattern.map((p) => wrap(tplKey, p)) });
      return out;
    }
    if (Array.isArray(validate.foreach) && validate.foreach.length > 0) {
      out.validate = keep({ foreach: validate.foreach });
      return out;
    }
    if (validate.cel !== undefined) return out;
    if (isObj(validate.assert)) {
      const a = clone(validate.assert);
      for (const n of ['object', 'oldObject']) if (isObj(a[n])) a[n] = wrap(tplKey, a[n]);
      out.validate = { ...validate, assert: a };
      return out;
    }
  }
  if (Array.isArray(out.verifyImages)) return out;
  return undefined;
}

/** The bare kinds a rule's match block names (Deployment for apps/v1/Deployment). */
export function matchedKinds(rule: Obj): string[] {
  return blockKinds(rule.match).filter((k) => typeof k === 'string').map(bareKind);
}

/** Would Kyverno generate controller rules from this rule (generateRuleForControllers): it matches Pods and excludes nothing but Pods. */
export function isPodRule(rule: Obj): boolean {
  if (String(rule.name ?? '').startsWith('autogen-')) return false;
  const excludeKinds = blockKinds(rule.exclude);
  return containsKind(blockKinds(rule.match), 'Pod') && (excludeKinds.length === 0 || containsKind(excludeKinds, 'Pod'));
}

function ruleForControllers(rule: Obj, controllers: string[]): Obj | undefined {
  if (controllers.length === 0 || !isPodRule(rule)) return undefined;
  const validated = controllers.filter((c) => NON_CRON_CONTROLLERS.includes(c));
  const kinds = (validated.length > 0 ? validated : controllers).slice().sort();
  return generateRule(ruleName('autogen', String(rule.name)), rule, 'template', kinds, (filters, k) =>
    filters.map((f) => (isObj(f.resources) && containsKind(f.resources.kinds, 'Pod') ? { ...f, resources: { ...f.resources, kinds: [...k] } } : f)),
  );
}

/** The names of the rules Kyverno generates from a rule named `name` (controllers, CronJobs). */
export function autogenNamesOf(name: string): string[] {
  return [ruleName('autogen', name), ruleName('autogen-cronjob', name)];
}

function ruleName(prefix: string, name: string): string {
  return `${prefix}-${name}`.slice(0, 63);
}

const POD_REWRITES: [string, string][] = [
  ['request.object.spec', 'request.object.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.template.metadata'],
];
const CRON_REWRITES: [string, string][] = [
  ['request.object.spec', 'request.object.spec.jobTemplate.spec.template.spec'],
  ['request.oldObject.spec', 'request.oldObject.spec.jobTemplate.spec.template.spec'],
  ['request.object.metadata', 'request.object.spec.jobTemplate.spec.template.metadata'],
  ['request.oldObject.metadata', 'request.oldObject.spec.jobTemplate.spec.template.metadata'],
];

/** Path rewriting is textual in Kyverno (bytes.ReplaceAll over the rule's JSON); CEL rules also rewrite `object.`. */
function rewritePaths(rule: Obj, rewrites: [string, string][]): Obj {
  const cel = isObj(rule.validate) && rule.validate.cel !== undefined;
  const list = cel ? rewrites.map(([a, b]) => [a.replace(/^request\./, ''), b.replace(/^request\./, '')] as [string, string]) : rewrites;
  let text = JSON.stringify(rule);
  for (const [from, to] of list) text = text.split(from).join(to);
  return JSON.parse(text) as Obj;
}

/** The rules Kyverno adds for Pod controllers (autogen-*) and CronJobs (autogen-cronjob-*), in its order. */
export function autogenRules(policy: Obj): Obj[] {
  const controllers = autogenKinds(policy);
  if (controllers.length === 0) return [];
  const nonCron = controllers.filter((c) => c !== 'CronJob');
  const out: Obj[] = [];
  for (const rule of rulesOf(policy)) {
    const forControllers = ruleForControllers(rule, nonCron);
    if (forControllers) out.push(rewritePaths(forControllers, POD_REWRITES));
    if (controllers.includes('CronJob')) {
      const base = ruleForControllers(rule, controllers);
      const cron = generateRule(ruleName('autogen-cronjob', String(rule.name)), base, 'jobTemplate', ['CronJob'], (filters, k) =>
        filters.map((f) => ({ ...f, resources: { ...(isObj(f.resources) ? f.resources : {}), kinds: [...k] } })),
      );
      if (cron) out.push(rewritePaths(cron, CRON_REWRITES));
    }
  }
  return out;
}

/** The policy's effective rules: its own (minus stale autogen-*) followed by the generated ones. */
// A policy is evaluated against many resources (every CronJob, every witness of a conflict):
// its autogen expansion is computed once per policy object. Callers treat rules as read-only.
const computed = new WeakMap<Obj, Obj[]>();

export function computeRules(policy: Obj): Obj[] {
  const cached = computed.get(policy);
  if (cached) return cached;
  const generated = autogenRules(policy);
  const rules = generated.length === 0 ? rulesOf(policy) : [...rulesOf(policy).filter((r) => !String(r.name ?? '').startsWith('autogen-')), ...generated];
  computed.set(policy, rules);
  return rules;
}
