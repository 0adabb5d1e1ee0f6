// A ValidatingPolicy in HTTP mode on an authorization request, as kyverno-authz evaluates it:
// `object` is the request; matchConditions select it; each validation answers with
// `http.Allowed().Response()`, `http.Denied(reason).Response()` or null (no opinion), and the
// first answer decides. Allowed passes, denied fails, no answer skips.
import type { AdmissionContext, PolicyResult, RuleResult, RuleStatus } from '../types.ts';
import { HttpCheckResponse } from '../../cel/lib/authz.ts';
import { buildScope } from './activation.ts';
import { policyId } from './frame.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export function evaluateHttpAuthorization(policy: Record<string, unknown>, request: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  const name = policyId(policy);
  const spec = isObj(policy.spec) ? policy.spec : {};
  const rule = (status: RuleStatus, reason: string, path?: (string | number)[]): PolicyResult => {
    const r: RuleResult = { policy: name, rule: name, status, reason, ...(path ? { path } : {}) };
    return { rules: [r], patched: request };
  };
  // An evaluation error fails the request unless the policy ignores failures, which leaves it unanswered.
  const failed = (message: string, path: (string | number)[]): PolicyResult => (spec.failurePolicy === 'Ignore' ? rule('skip', 'request does not match') : rule('error', message, path));
  const scope = buildScope({ object: request, context, variables: spec.variables });
  // Every condition is evaluated: a false one skips the request even after another has failed.
  let error: { message: string; path: (string | number)[] } | undefined;
  const conditions = asArray(spec.matchConditions);
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (!isObj(c) || typeof c.expression !== 'string') continue;
    const path = ['spec', 'matchConditions', i, 'expression'];
    const out = scope.run(c.expression);
    if (!out.ok && 'unknown' in out) return rule('unknown', out.unknown, path);
    if (!out.ok) { error ??= { message: `matchCondition ${String(c.name ?? i)}: ${out.error}`, path }; continue; }
    if (typeof out.value !== 'boolean') { error ??= { message: `matchCondition ${String(c.name ?? i)} is not a bool`, path }; continue; }
    if (!out.value) return rule('skip', 'request does not match', path);
  }
  if (error) return failed(error.message, error.path);
  const validations = asArray(spec.validations);
  for (let i = 0; i < validations.length; i++) {
    const v = validations[i];
    if (!isObj(v) || typeof v.expression !== 'string') continue;
    const path = ['spec', 'validations', i, 'expression'];
    const out = scope.run(v.expression);
    if (!out.ok) return 'unknown' in out ? rule('unknown', out.unknown, path) : failed(`validation ${i}: ${out.error}`, path);
    if (out.value === null || out.value === undefined) continue;
    if (!(out.value instanceof HttpCheckResponse)) return failed(`validation ${i}: rule result is expected to be an http.CheckResponse`, path);
    if (out.value.denied) return rule('fail', `request denied, reason: ${out.value.denied.reason}`, path);
    return rule('pass', 'request allowed', path);
  }
  return rule('skip', 'request does not match');
}
