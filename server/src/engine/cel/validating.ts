// ValidatingPolicy (and its namespaced form): validations with message/messageExpression,
// validationActions, auditAnnotations; autogen for Pod controllers.
import type { AdmissionContext, PolicyResult, RuleResult } from '../types.ts';
import { openFrame, result, type Frame } from './frame.ts';
import { asArray } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

const autogenKeys = ['matchConditions', 'variables', 'validations', 'auditAnnotations'];

export function evaluateValidatingPolicy(policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  // A policy for JSON payloads or authorization requests never sees a Kubernetes request: Kyverno compiles it without match constraints.
  if (evaluationMode(policy) !== 'Kubernetes') return { rules: [], patched: resource };
  const opened = openFrame(policy, resource, context, { autogenKeys: autogenEnabled(policy) ? autogenKeys : [] });
  return decide(opened, resource);
}

/**
 * A ValidatingPolicy in JSON mode on a payload (any JSON value in place of a resource): nothing is
 * matched, no autogen; `object` is the payload and the matchConditions alone decide whether it applies.
 */
export function evaluateValidatingPolicyOnPayload(policy: Record<string, unknown>, payload: Record<string, unknown>, context: AdmissionContext): PolicyResult {
  return decide(openFrame(policy, payload, context, { autogenKeys: [], payload: true }), payload);
}

/** spec.evaluation.mode as Kyverno reads it: Kubernetes unless set. */
export function evaluationMode(policy: Record<string, unknown>): string {
  const spec = isObj(policy.spec) ? policy.spec : {};
  const mode = isObj(spec.evaluation) ? spec.evaluation.mode : undefined;
  return typeof mode === 'string' && mode !== '' ? mode : 'Kubernetes';
}

function decide(opened: ReturnType<typeof openFrame>, resource: Record<string, unknown>): PolicyResult {
  if ('results' in opened) return { rules: opened.results, patched: resource };
  const verdict = runValidations(opened.frame, 'validations');
  if (verdict.status !== 'pass' && verdict.status !== 'fail') return { rules: [verdict], patched: resource };
  return { rules: [auditAnnotationsProblem(opened.frame) ?? verdict], patched: resource };
}

/**
 * Audit annotations do not change the verdict, but one that cannot be evaluated fails the request
 * under failurePolicy Fail (the default), as any other evaluation error does.
 */
function auditAnnotationsProblem(frame: Frame): RuleResult | undefined {
  if (frame.spec.failurePolicy === 'Ignore') return undefined;
  const list = asArray(frame.spec.auditAnnotations);
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!isObj(a) || typeof a.valueExpression !== 'string') continue;
    const out = frame.scope.run(a.valueExpression);
    const path = [...frame.specPath, 'auditAnnotations', i, 'valueExpression'];
    if (out.ok) {
      if (out.value !== null && typeof out.value !== 'string') return result(frame, 'error', `auditAnnotation ${String(a.key ?? i)} is not a string`, path);
      continue;
    }
    return 'unknown' in out ? result(frame, 'unknown', out.unknown, path) : result(frame, 'error', `auditAnnotation ${String(a.key ?? i)}: ${out.error}`, path);
  }
  return undefined;
}

function autogenEnabled(policy: Record<string, unknown>): boolean {
  const spec = isObj(policy.spec) ? policy.spec : {};
  // Autogen to Pod controllers is Kyverno's; Kubernetes' own ValidatingAdmissionPolicy has none.
  return policy.kind === 'ValidatingPolicy' || policy.kind === 'NamespacedValidatingPolicy' ? !(isObj(spec.autogen) && isObj(spec.autogen.podControllers) && Array.isArray(spec.autogen.podControllers.controllers) && spec.autogen.podControllers.controllers.length === 0) : false;
}

/**
 * Runs the validations in order, as Kyverno does: the first that errors decides 'error', the first
 * that is false decides 'fail'; a result that is not a bool is passed over. An undecidable one
 * decides 'unknown', since what follows it depends on its value.
 */
export function runValidations(frame: Frame, key: string, extra: Record<string, unknown> = {}): RuleResult {
  const list = asArray(frame.spec[key]);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (!isObj(v) || typeof v.expression !== 'string') continue;
    const path = [...frame.specPath, key, i, 'expression'];
    const out = frame.scope.run(v.expression, extra);
    if (out.ok) {
      if (out.value === false) return failure(frame, v, i, path, extra);
      continue;
    }
    if ('unknown' in out) return result(frame, 'unknown', out.unknown, path);
    return result(frame, 'error', `validation ${i}: ${out.error}`, path);
  }
  return result(frame, 'pass', 'every validation holds', [...frame.specPath, key]);
}

/** A false validation fails with its message; a messageExpression that cannot be evaluated makes it an error (Kyverno issue 15350). */
function failure(frame: Frame, v: Record<string, unknown>, index: number, path: (string | number)[], extra: Record<string, unknown>): RuleResult {
  if (typeof v.messageExpression === 'string') {
    const out = frame.scope.run(v.messageExpression, extra);
    const mpath = [...path.slice(0, -1), 'messageExpression'];
    if (!out.ok) return 'unknown' in out ? result(frame, 'unknown', out.unknown, mpath) : result(frame, 'error', `failed to evaluate message expression: ${out.error}`, mpath);
    if (typeof out.value !== 'string') return result(frame, 'error', 'failed to convert message expression to string', mpath);
    if (out.value !== '') return result(frame, 'fail', out.value, path);
  }
  const message = typeof v.message === 'string' ? v.message : '';
  return result(frame, 'fail', message || `CEL expression validation failed at index ${index}`, path);
}

/** The policy's validationActions (Deny by default, as Kyverno applies). */
export function validationActions(policy: Record<string, unknown>): string[] {
  const spec = isObj(policy.spec) ? policy.spec : {};
  const actions = asArray(spec.validationActions).map(String);
  return actions.length ? actions : ['Deny'];
}
