import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix, Related } from '../../findings.ts';
import type { Policy } from '../../model/types.ts';
import { asObj, isObj } from '../../k8s/objects.ts';
import { autogenSkip, isPodRule, matchedKinds, requestedControllers, type AutogenSkip } from '../../model/autogen.ts';
import { celAutogenSkip, CEL_AUTOGEN_CONTROLLERS, type CelAutogenSkipReason } from '../../model/celAutogen.ts';
import { moveToPreconditionFix, optOutFix, splitKindsFix } from './autogenFixes.ts';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

// ReplicaSets and ReplicationControllers are left out: Kyverno's default resource filters skip
// them, and a Deployment's ReplicaSet is what the Deployment rule already covers.
const CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

function list(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function legacyCause(skip: AutogenSkip, rules: unknown[]): string {
  const rule = asObj(rules[skip.rule]);
  const name = `rule "${String(rule?.name ?? skip.rule)}"`;
  const block = skip.path[3];
  switch (skip.reason) {
    case 'generate': return `${name} is a generate rule`;
    case 'patchesJson6902': return `${name} mutates with patchesJson6902`;
    case 'kinds': return `${name} matches Pod together with other kinds in one ${block} filter`;
    default: return `${name} filters by \`${skip.reason}\` in ${block}`;
  }
}

/** A rule written for Pods themselves that a controller copy would carry: not a generate rule, not only a Pod subresource (Pod/exec). */
function affected(rule: Obj): boolean {
  if (rule.generate !== undefined || !isPodRule(rule)) return false;
  const match = asObj(rule.match) ?? {};
  const filters = [match.resources, ...(Array.isArray(match.any) ? match.any : []), ...(Array.isArray(match.all) ? match.all : [])].map((f) => (f === match.resources ? asObj(f) : asObj(asObj(f)?.resources)));
  return filters.some((rd) => Array.isArray(rd?.kinds) && rd.kinds.some((k) => typeof k === 'string' && (k === 'Pod' || /\/Pod$/.test(k))));
}

function checkLegacy(ctx: DocumentCheckContext, policy: Policy): void {
  const raw = policy.raw;
  const requested = requestedControllers(raw);
  if (requested === 'none') return;
  const skip = autogenSkip(raw);
  if (!skip) return;
  const rules = Array.isArray(asObj(raw.spec)?.rules) ? (asObj(raw.spec)!.rules as unknown[]) : [];
  const podRules = rules.map((r, i) => ({ r: asObj(r), i })).filter((x): x is { r: Obj; i: number } => !!x.r && affected(x.r));
  if (podRules.length === 0) return;
  // Controllers a rule of the policy matches by name are covered on purpose (Pod, Deployment, ...).
  const covered = new Set(rules.flatMap((r) => (isObj(r) ? matchedKinds(r) : [])));
  if (covered.has('*')) return;
  const wanted = requested === undefined ? CONTROLLERS : CONTROLLERS.filter((c) => requested.split(',').map((s) => s.trim()).includes(c));
  const missed = wanted.filter((c) => !covered.has(c));
  if (missed.length === 0) return;
  const policyPath = policy.source.path;
  const byIndex = new Map(policy.rules.map((r) => [r.source.path[r.source.path.length - 1], r]));
  const modelled = podRules.map(({ i }) => byIndex.get(i));
  const enforced = modelled.some((r) => r?.phase === 'validate' && r.enforcement === 'Enforce');
  const mutating = modelled.every((r) => r?.phase === 'mutate');
  const names = podRules.map(({ r, i }) => `"${String(r.name ?? i)}"`);
  const message = `Kyverno generates no controller rules for this policy because ${legacyCause(skip, rules)}: `
    + `Pod rule${names.length > 1 ? 's' : ''} ${names.join(', ')} never ${names.length > 1 ? 'apply' : 'applies'} to ${list(missed)} objects, only to the Pods they create. `
    + (enforced
      ? 'With Enforce the controllers are admitted and their Pods are rejected when the controller creates them: the rollout hangs with only an event.'
      : mutating ? 'Mutations reach the Pods at creation only, never the controllers\' templates.' : 'Violations surface only when a controller creates Pods, never on the object a user applies.');
  const related: Related[] = podRules.map(({ r, i }) => ({
    file: ctx.file.file,
    span: ctx.spanOf([...policyPath, 'spec', 'rules', i, ...(r.name !== undefined ? ['name'] : [])], 'value'),
    message: 'Pod rule without autogen-* copies for controllers',
  }));
  const fixes = (): Fix[] => {
    const out: Fix[] = [];
    const move = asObj(rules[skip.rule]) && moveToPreconditionFix(ctx, policyPath, skip, asObj(rules[skip.rule])!);
    if (move) out.push(move);
    if (skip.reason === 'kinds') {
      const split = splitKindsFix(ctx, policy, skip, rules);
      if (split) out.push(split);
    }
    const optOut = optOutFix(ctx, policyPath, false);
    if (optOut) out.push(optOut);
    return out;
  };
  // Pods are still mutated when created: losing the template copy matters less than a check.
  ctx.report({ file: ctx.file.file, span: ctx.spanOf([...policyPath, ...skip.path], 'key') }, message, { related, fixes, ...(mutating ? { severity: 'info' as const } : {}) });
}

// A namespaceSelector disables CEL autogen in some Kyverno releases and not in others
// (pkg/cel/autogen/support.go): not reported, the policy may well cover its controllers.
const CEL_REPORTED: ReadonlySet<CelAutogenSkipReason> = new Set(['objectSelector', 'excludeResourceRules', 'resourceNames', 'resources']);
const CEL_CAUSE: Record<CelAutogenSkipReason, string> = {
  namespaceSelector: 'matchConstraints has a namespaceSelector',
  objectSelector: 'matchConstraints has an objectSelector',
  excludeResourceRules: 'matchConstraints has excludeResourceRules',
  resourceNames: 'a resource rule filters by resourceNames',
  resources: 'a resource rule names other resources besides pods',
};

function isPodsOnly(mc: Obj | undefined): boolean {
  const rules = Array.isArray(mc?.resourceRules) ? mc.resourceRules : [];
  return rules.every((r) => Array.isArray(asObj(r)?.resources) && (asObj(r)!.resources as unknown[]).every((x) => x === 'pods' || x === 'pods/ephemeralcontainers'));
}

function checkCel(ctx: DocumentCheckContext, policy: Policy): void {
  if (!['ValidatingPolicy', 'NamespacedValidatingPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy'].includes(policy.kind)) return;
  const spec = asObj(policy.raw.spec) ?? {};
  const configured = asObj(asObj(spec.autogen)?.podControllers)?.controllers;
  if (Array.isArray(configured) && configured.length === 0) return;
  const skip = celAutogenSkip(spec.matchConstraints);
  if (!skip || !CEL_REPORTED.has(skip.reason)) return;
  // Later releases accept pods/ephemeralcontainers beside pods: not reported either.
  if (skip.reason === 'resources' && isPodsOnly(asObj(spec.matchConstraints))) return;
  const chosen = Array.isArray(configured) ? configured.map(String) : Object.keys(CEL_AUTOGEN_CONTROLLERS);
  const kinds = chosen.map((c) => CEL_AUTOGEN_CONTROLLERS[c]?.kind).filter((k): k is string => !!k && CONTROLLERS.includes(k));
  // Controllers the policy matches itself (pods and deployments in one rule) are covered on purpose.
  const rules = Array.isArray(asObj(spec.matchConstraints)?.resourceRules) ? (asObj(spec.matchConstraints)!.resourceRules as unknown[]) : [];
  const named = new Set(rules.flatMap((r) => (Array.isArray(asObj(r)?.resources) ? (asObj(r)!.resources as unknown[]).map(String) : [])));
  if (named.has('*')) return;
  const missed = kinds.filter((k) => !Object.entries(CEL_AUTOGEN_CONTROLLERS).some(([plural, c]) => c.kind === k && named.has(plural)));
  if (missed.length === 0) return;
  const validating = policy.kind.includes('Validating');
  const denies = validating && Array.isArray(spec.validationActions) && spec.validationActions.includes('Deny');
  const message = `Kyverno generates no controller variants for this policy because ${CEL_CAUSE[skip.reason]}: it never applies to ${list(missed)} objects, only to the Pods they create. `
    + (denies
      ? 'With Deny the controllers are admitted and their Pods are rejected when the controller creates them: the rollout hangs with only an event.'
      : validating ? 'Violations surface only when a controller creates Pods, never on the object a user applies.' : 'Mutations reach the Pods at creation only, never the controllers\' templates.');
  const policyPath = policy.source.path;
  const fixes = (): Fix[] => {
    const optOut = optOutFix(ctx, policyPath, true);
    return optOut ? [optOut] : [];
  };
  ctx.report({ file: ctx.file.file, span: ctx.spanOf([...policyPath, 'spec', 'matchConstraints', ...skip.path], 'key') }, message, { fixes, ...(validating ? {} : { severity: 'info' as const }) });
}

/** A Pod rule for which Kyverno silently generates no rules for Pod controllers. */
export const autogenSkippedCheck: Check = {
  id: 'safety/autogen-skipped',
  title: 'Autogen is skipped: a Pod rule never applies to Deployments, StatefulSets, Jobs or CronJobs',
  severity: 'warning',
  checkDocument(ctx) {
    const policy = ctx.document.policy;
    if (!policy) return;
    if (policy.cls.family === 'kyverno-legacy' && (policy.kind === 'ClusterPolicy' || policy.kind === 'Policy')) checkLegacy(ctx, policy);
    else if (policy.cls.family === 'kyverno-cel') checkCel(ctx, policy);
  },
};
