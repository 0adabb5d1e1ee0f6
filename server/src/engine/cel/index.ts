// Entry point for every CEL-based policy kind: policies.kyverno.io and Kubernetes admission policies.
import type { AdmissionContext, PolicyEvaluator, PolicyResult } from '../types.ts';
import { evaluateAdmissionPolicy } from './admission.ts';
import { evaluateDeletingPolicy } from './deleting.ts';
import { evaluateGeneratingPolicy } from './generating.ts';
import { evaluateImageValidatingPolicy } from './imageValidating.ts';
import { evaluateMutatingPolicy } from './mutating.ts';
import { evaluateValidatingPolicy } from './validating.ts';
import { policyId } from './frame.ts';

type Evaluator = (policy: Record<string, unknown>, resource: Record<string, unknown>, context: AdmissionContext) => PolicyResult;

const byKind: Record<string, Evaluator> = {
  ValidatingPolicy: evaluateValidatingPolicy,
  NamespacedValidatingPolicy: evaluateValidatingPolicy,
  MutatingPolicy: evaluateMutatingPolicy,
  NamespacedMutatingPolicy: evaluateMutatingPolicy,
  GeneratingPolicy: evaluateGeneratingPolicy,
  NamespacedGeneratingPolicy: evaluateGeneratingPolicy,
  DeletingPolicy: evaluateDeletingPolicy,
  NamespacedDeletingPolicy: evaluateDeletingPolicy,
  ImageValidatingPolicy: evaluateImageValidatingPolicy,
  NamespacedImageValidatingPolicy: evaluateImageValidatingPolicy,
  ValidatingAdmissionPolicy: evaluateAdmissionPolicy,
  MutatingAdmissionPolicy: evaluateAdmissionPolicy,
};

export function isCelPolicyKind(kind: unknown): boolean {
  return typeof kind === 'string' && kind in byKind;
}

export const evaluateCelPolicy: PolicyEvaluator = (policy, resource, context) => {
  const evaluate = byKind[String(policy.kind)];
  if (!evaluate) {
    return { rules: [{ policy: policyId(policy), rule: policyId(policy), status: 'unknown', reason: `${String(policy.kind)} is not a CEL policy kind` }], patched: resource };
  }
  try {
    return evaluate(policy, resource, context);
  } catch (e) {
    return { rules: [{ policy: policyId(policy), rule: policyId(policy), status: 'error', reason: `evaluation failed: ${(e as Error).message}` }], patched: resource };
  }
};

export { validationActions } from './validating.ts';
export { admissionValidationActions } from './admission.ts';
