// Admission in Kyverno's order: every matching mutation (inside a policy top to bottom, across
// policies in the order the caller picks, since Kyverno defines none), then every validation on
// the mutated object (an enforcing failure denies; Audit and Warn do not), then generation.
import type { AdmissionContext, PolicyEvaluator, PolicyResult, RuleResult } from './types.ts';
import { classify } from '../model/classify.ts';
import { evaluateCelPolicy, isCelPolicyKind } from './cel/index.ts';
import { validationActions, admissionValidationActions } from './cel/index.ts';
import { evaluateLegacyPolicy } from './legacy/index.ts';

export type PolicyFamily = 'legacy' | 'cel' | 'none';

export function familyOf(doc: Record<string, unknown>): PolicyFamily {
  const cls = classify(doc);
  if (!cls) return 'none';
  if (cls.family === 'kyverno-legacy' && ['ClusterPolicy', 'Policy', 'CleanupPolicy', 'ClusterCleanupPolicy'].includes(cls.kind)) return 'legacy';
  if ((cls.family === 'kyverno-cel' || cls.family === 'k8s-admission') && isCelPolicyKind(cls.kind)) return 'cel';
  return 'none';
}

/** Evaluates one policy document of any family; never throws. */
export const evaluatePolicyDoc: PolicyEvaluator = (policy, resource, context) => {
  const family = familyOf(policy);
  const name = String((policy.metadata as Record<string, unknown> | undefined)?.name ?? '');
  try {
    if (family === 'legacy') return evaluateLegacyPolicy(policy, resource, context);
    if (family === 'cel') return evaluateCelPolicy(policy, resource, context);
  } catch (e) {
    return { rules: [{ policy: name, rule: name, status: 'error', reason: `evaluation failed: ${(e as Error).message}` }], patched: resource };
  }
  return { rules: [], patched: resource };
};

type Phase = 'mutate' | 'validate' | 'generate' | 'other';

function phaseOfPolicy(policy: Record<string, unknown>): Phase[] {
  const kind = String(policy.kind ?? '');
  if (/MutatingPolicy$|^MutatingAdmissionPolicy$/.test(kind)) return ['mutate'];
  if (/ValidatingPolicy$|^ValidatingAdmissionPolicy$|ImageValidatingPolicy$/.test(kind)) return ['validate'];
  if (/GeneratingPolicy$/.test(kind)) return ['generate'];
  if (kind === 'ClusterPolicy' || kind === 'Policy') {
    const rules = ((policy.spec as Record<string, unknown> | undefined)?.rules ?? []) as Record<string, unknown>[];
    const phases = new Set<Phase>();
    for (const r of Array.isArray(rules) ? rules : []) {
      if (r && typeof r === 'object') {
        if ('mutate' in r) phases.add('mutate');
        if ('validate' in r || 'verifyImages' in r) phases.add('validate');
        if ('generate' in r) phases.add('generate');
      }
    }
    return [...phases];
  }
  return ['other'];
}

/** A legacy policy split into the part of one phase (its rules of that kind only). */
// One view per policy and phase, kept as long as the policy object lives: the evaluator memoises
// per policy object (autogen expansion), which a fresh copy per simulation would defeat.
const phaseViews = new WeakMap<Record<string, unknown>, Map<Phase, Record<string, unknown>>>();

function legacyPhase(policy: Record<string, unknown>, phase: Phase): Record<string, unknown> {
  let views = phaseViews.get(policy);
  if (!views) phaseViews.set(policy, (views = new Map()));
  let view = views.get(phase);
  if (!view) views.set(phase, (view = legacyPhaseView(policy, phase)));
  return view;
}

function legacyPhaseView(policy: Record<string, unknown>, phase: Phase): Record<string, unknown> {
  const spec = (policy.spec ?? {}) as Record<string, unknown>;
  const rules = (Array.isArray(spec.rules) ? spec.rules : []) as Record<string, unknown>[];
  const keep = rules.filter((r) => r && typeof r === 'object' && (phase === 'mutate' ? 'mutate' in r : phase === 'validate' ? 'validate' in r || 'verifyImages' in r : 'generate' in r));
  return { ...policy, spec: { ...spec, rules: keep } };
}

export interface Verdict {
  admitted: boolean;
  deniedBy?: { policy: string; rule: string; reason: string };
}

export interface SimulationResult {
  mutations: RuleResult[];
  afterEachMutation: Record<string, unknown>[];
  validations: RuleResult[];
  generations: RuleResult[];
  verdict: Verdict;
}

export interface SimulateOptions {
  /** Indexes (into `policies`) of the mutating policies, in the order to apply them. */
  order?: number[];
}

function enforcing(policy: Record<string, unknown>, rule: RuleResult, context: AdmissionContext): boolean {
  const kind = String(policy.kind ?? '');
  if (kind === 'ValidatingAdmissionPolicy') return admissionValidationActions(policy, context).includes('Deny');
  if (familyOf(policy) === 'cel') return validationActions(policy).includes('Deny');
  const spec = (policy.spec ?? {}) as Record<string, unknown>;
  const rules = (Array.isArray(spec.rules) ? spec.rules : []) as Record<string, unknown>[];
  const raw = rules.find((r) => r && typeof r === 'object' && (r.name === rule.rule || `autogen-${String(r.name)}` === rule.rule || `autogen-cronjob-${String(r.name)}` === rule.rule));
  const validate = (raw?.validate ?? raw?.verifyImages ?? {}) as Record<string, unknown>;
  const action = String(validate.failureAction ?? spec.validationFailureAction ?? 'Audit');
  return action.toLowerCase() === 'enforce';
}

export function simulate(resource: Record<string, unknown>, policies: { doc: Record<string, unknown> }[], context: AdmissionContext, options: SimulateOptions = {}): SimulationResult {
  const phases = policies.map((p) => phaseOfPolicy(p.doc));
  const mutating = policies.map((_, i) => i).filter((i) => phases[i]!.includes('mutate'));
  const order = options.order ? options.order.filter((i) => mutating.includes(i)) : mutating;
  const mutations: RuleResult[] = [];
  const afterEachMutation: Record<string, unknown>[] = [];
  let current = resource;
  for (const i of order) {
    const policy = policies[i]!.doc;
    const part = familyOf(policy) === 'legacy' ? legacyPhase(policy, 'mutate') : policy;
    const out: PolicyResult = evaluatePolicyDoc(part, current, context);
    mutations.push(...out.rules);
    current = out.patched;
    afterEachMutation.push(current);
  }
  const validations: RuleResult[] = [];
  let deniedBy: Verdict['deniedBy'];
  policies.forEach((p, i) => {
    if (!phases[i]!.includes('validate')) return;
    const part = familyOf(p.doc) === 'legacy' ? legacyPhase(p.doc, 'validate') : p.doc;
    const out = evaluatePolicyDoc(part, current, context);
    for (const r of out.rules) {
      validations.push(r);
      if (!deniedBy && r.status === 'fail' && enforcing(p.doc, r, context)) deniedBy = { policy: r.policy, rule: r.rule, reason: r.reason };
    }
  });
  const generations: RuleResult[] = [];
  if (!deniedBy) {
    policies.forEach((p, i) => {
      if (!phases[i]!.includes('generate')) return;
      const part = familyOf(p.doc) === 'legacy' ? legacyPhase(p.doc, 'generate') : p.doc;
      generations.push(...evaluatePolicyDoc(part, current, context).rules);
    });
  }
  return { mutations, afterEachMutation, validations, generations, verdict: deniedBy ? { admitted: false, deniedBy } : { admitted: true } };
}

/** Above this many mutating policies, orders are sampled rather than enumerated (8! = 40320 already). */
export const MAX_ENUMERATED_MUTATIONS = 5;

/**
 * Mutation orders to try for n mutating policies: every permutation up to
 * MAX_ENUMERATED_MUTATIONS; beyond, a deterministic sample — identity, reverse, and each policy
 * moved to the front and to the back — which puts every pair of policies in both relative orders.
 */
export function mutationOrders(n: number): number[][] {
  const identity = Array.from({ length: n }, (_, i) => i);
  if (n <= MAX_ENUMERATED_MUTATIONS) return permutations(identity);
  const seen = new Set<string>();
  const out: number[][] = [];
  const add = (o: number[]) => { const k = o.join(','); if (!seen.has(k)) { seen.add(k); out.push(o); } };
  add(identity);
  add([...identity].reverse());
  for (let i = 0; i < n; i++) {
    add([i, ...identity.filter((x) => x !== i)]);
    add([...identity.filter((x) => x !== i), i]);
  }
  return out;
}

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  const out: number[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}
