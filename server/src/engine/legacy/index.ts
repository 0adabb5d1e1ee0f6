// evaluateLegacyPolicy: a kyverno.io/v1 ClusterPolicy/Policy on one resource, as Kyverno runs it
// (mutations in rule order, then validations on the mutated resource, then generation).
import type { AdmissionContext, PolicyEvaluator, PolicyResult, RuleResult } from '../types.ts';
import type { Path } from '../../yaml/paths.ts';
import { computeRules } from '../../model/autogen.ts';
import { ruleApplies, type MatchResources } from '../match/index.ts';
import { evaluateCel } from '../../cel/evaluate.ts';
import { evaluateConditions } from './conditions.ts';
import { buildData, loadContext } from './context.ts';
import { error, fromThrown, skip, unknown, type Outcome } from './outcome.ts';
import { validateRule } from './validate.ts';
import { mutateRule } from './mutate.ts';
import { generateRule } from './generate.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Phase = 'mutate' | 'validate' | 'generate' | 'verifyImages' | 'none';

function phaseOf(rule: Obj): Phase {
  if (isObj(rule.mutate)) return 'mutate';
  if (isObj(rule.validate)) return 'validate';
  if (isObj(rule.generate)) return 'generate';
  if (Array.isArray(rule.verifyImages)) return 'verifyImages';
  return 'none';
}

const PHASE_ORDER: Phase[] = ['mutate', 'validate', 'generate', 'verifyImages', 'none'];

export const evaluateLegacyPolicy: PolicyEvaluator = (policy, resource, context) => {
  const name = String((isObj(policy.metadata) ? policy.metadata.name : undefined) ?? '');
  let rules: Obj[];
  try {
    rules = computeRules(policy);
  } catch (e) {
    return { rules: [{ policy: name, rule: '', status: 'error', reason: `cannot read the policy's rules: ${(e as Error).message}` }], patched: resource };
  }
  const policyNamespace = policy.kind === 'Policy' ? String((isObj(policy.metadata) ? policy.metadata.namespace : undefined) ?? 'default') : undefined;
  const ownRules = isObj(policy.spec) && Array.isArray(policy.spec.rules) ? policy.spec.rules : [];
  let current = resource;
  const results: { index: number; result: RuleResult }[] = [];
  for (const phase of PHASE_ORDER) {
    rules.forEach((rule, index) => {
      if (phaseOf(rule) !== phase) return;
      const ownIndex = ownRules.indexOf(rule);
      const path: Path = ownIndex >= 0 ? ['spec', 'rules', ownIndex] : ['spec', 'rules'];
      let outcome: Outcome;
      try {
        outcome = evaluateRule(rule, phase, current, context, policyNamespace, path);
      } catch (e) {
        outcome = fromThrown(e, path);
      }
      if (phase === 'mutate' && outcome.patched && outcome.status === 'pass') current = outcome.patched;
      results.push({ index, result: { policy: name, rule: String(rule.name ?? ''), ...outcome } });
    });
  }
  results.sort((a, b) => a.index - b.index);
  const out: PolicyResult = { rules: results.map((r) => r.result), patched: current };
  return out;
};

function operationOf(context: AdmissionContext): AdmissionContext['operation'] {
  const v = context.variables?.['request.operation'];
  return typeof v === 'string' && ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(v) ? (v as AdmissionContext['operation']) : context.operation;
}

function evaluateRule(rule: Obj, phase: Phase, resource: Obj, context: AdmissionContext, policyNamespace: string | undefined, path: Path): Outcome {
  const ctx = { ...context, operation: operationOf(context) };
  const verdict = ruleApplies(rule.match as MatchResources, rule.exclude as MatchResources | undefined, {
    resource,
    operation: ctx.operation,
    userInfo: ctx.userInfo,
    namespaceLabels: ctx.namespaceLabels,
  }, policyNamespace);
  if (verdict.result === false) return skip(`rule does not apply: ${verdict.reason}`, [...path, 'match']);
  if (verdict.result === 'unknown') return unknown(verdict.reason, [...path, 'match']);
  if (phase === 'none') return error('rule has no mutate, validate, generate or verifyImages', path);
  if (phase === 'verifyImages') return unknown('image verification (signatures, attestations) is not modelled', [...path, 'verifyImages']);
  const cel = celPreconditions(rule.celPreconditions, resource, ctx, [...path, 'celPreconditions']);
  if (cel) return cel;
  const data = buildData(resource, ctx);
  try {
    loadContext(rule.context, data, ctx);
  } catch (e) {
    return fromThrown(e, [...path, 'context']);
  }
  try {
    const pre = evaluateConditions(rule.preconditions, data);
    if (!pre.result) return skip(`preconditions not met: ${pre.message}`, [...path, 'preconditions']);
  } catch (e) {
    return fromThrown(e, [...path, 'preconditions']);
  }
  switch (phase) {
    case 'mutate':
      return mutateRule(rule.mutate as Obj, resource, data, ctx, [...path, 'mutate']);
    case 'validate':
      return validateRule(rule.validate as Obj, resource, data, ctx, [...path, 'validate']);
    case 'generate':
      return generateRule(rule.generate as Obj, data, ctx, [...path, 'generate']);
  }
}

function celPreconditions(conds: unknown, resource: Obj, ctx: AdmissionContext, path: Path): Outcome | undefined {
  if (!Array.isArray(conds) || conds.length === 0) return undefined;
  const activation = { object: resource, oldObject: ctx.oldObject ?? null, request: { operation: ctx.operation, userInfo: ctx.userInfo ?? {} } };
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i];
    if (!isObj(c) || typeof c.expression !== 'string') continue;
    const r = evaluateCel(c.expression, activation);
    if (!r.ok) return 'unknown' in r ? unknown(r.unknown, [...path, i]) : error(r.error, [...path, i]);
    if (r.value !== true) return skip(`celPreconditions[${i}] does not hold`, [...path, i]);
  }
  return undefined;
}
