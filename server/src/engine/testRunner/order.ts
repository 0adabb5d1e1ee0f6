// The order in which `kyverno test` applies a suite's policies to one resource: every legacy
// policy's mutate rules first, each on the resource the previous ones patched; then legacy
// validation (and image verification) on that mutated resource; then MutatingAdmissionPolicies and
// MutatingPolicies, chained the same way; then ValidatingAdmissionPolicies, ValidatingPolicies,
// GeneratingPolicies and legacy generate rules on the fully mutated resource. Image validating and
// deleting policies see the resource as written.
import { computeRules } from '../../model/autogen.ts';
import { isObj } from '../../k8s/objects.ts';

export type Stage = 'legacy' | 'celMutate' | 'celMutated' | 'asWritten';

const CEL_MUTATORS = new Set(['MutatingAdmissionPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy']);
const AS_WRITTEN = new Set(['ImageValidatingPolicy', 'NamespacedImageValidatingPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy']);

export function stageOf(policy: Record<string, unknown>, family: 'legacy' | 'cel' | 'none'): Stage {
  if (family === 'legacy') return 'legacy';
  const kind = String(policy.kind ?? '');
  if (CEL_MUTATORS.has(kind)) return 'celMutate';
  return AS_WRITTEN.has(kind) ? 'asWritten' : 'celMutated';
}

export type LegacyPhase = 'mutate' | 'validate' | 'generate';

function phaseOf(rule: Record<string, unknown>): LegacyPhase {
  if (isObj(rule.mutate)) return 'mutate';
  if (isObj(rule.generate)) return 'generate';
  // validate and verifyImages run between mutation and generation; a rule with none of them is
  // reported (as an error) with validation.
  return 'validate';
}

export function hasLegacyPhase(policy: Record<string, unknown>, phase: LegacyPhase): boolean {
  return computeRules(policy).some((r) => phaseOf(r) === phase);
}

/**
 * The policy reduced to the rules of one phase. Its autogen expansion is taken from the whole
 * policy (which rules a controller gets depends on all of them) and then pinned, so the reduced
 * copy does not expand again.
 */
export function legacyPhase(policy: Record<string, unknown>, phase: LegacyPhase): Record<string, unknown> {
  const meta = isObj(policy.metadata) ? policy.metadata : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  const spec = isObj(policy.spec) ? policy.spec : {};
  return {
    ...policy,
    metadata: { ...meta, annotations: { ...annotations, 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
    spec: { ...spec, rules: computeRules(policy).filter((r) => phaseOf(r) === phase) },
  };
}
