// Kubernetes invariants two mutations can break together: each entry names the component that
// enforces it and where, so that a finding can say who rejects the object and why.
// Fields are relative to a securityContext (pod-level `spec.securityContext` or a container's)
// or to a container (`resources`). `$r` binds a resource name on both sides.
import { parseQuantity } from '../engine/jmespath/quantity.ts';

export interface InvariantSide {
  base: 'securityContext' | 'container';
  path: string[];
}

export interface Invariant {
  id: string;
  sides: [InvariantSide, InvariantSide];
  /**
   * Pod-level security context fields a container inherits unless it sets its own
   * (kubelet `DetermineEffectiveSecurityContext`): a pod-level write combines with a container-level one.
   */
  inheritsFromPod: boolean;
  /** Do the two values, on one container, break the invariant? */
  clash(a: unknown, b: unknown): boolean;
  /** `the kubelet refuses to start the container (runAsNonRoot with runAsUser 0)` */
  consequence: string;
  /** 'rejected' objects never get stored; 'never-starts' objects are admitted and then fail. */
  outcome: 'rejected' | 'never-starts';
}

const isTrue = (v: unknown) => v === true || v === 'true';
const isFalse = (v: unknown) => v === false || v === 'false';
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export const invariants: readonly Invariant[] = [
  {
    // kubelet: pkg/kubelet/kuberuntime/security_context_others.go, verifyRunAsNonRoot —
    // "container's runAsUser breaks non-root policy" when runAsNonRoot is true and runAsUser is 0.
    // The API server admits the Pod; the container stays in CreateContainerConfigError.
    id: 'run-as-non-root-with-root-user',
    sides: [{ base: 'securityContext', path: ['runAsNonRoot'] }, { base: 'securityContext', path: ['runAsUser'] }],
    inheritsFromPod: true,
    clash: (nonRoot, user) => isTrue(nonRoot) && (user === 0 || user === '0'),
    consequence: 'the kubelet refuses to start a container with runAsNonRoot: true and runAsUser: 0 (verifyRunAsNonRoot)',
    outcome: 'never-starts',
  },
  {
    // API server: pkg/apis/core/validation/validation.go, ValidateSecurityContext —
    // "cannot set `allowPrivilegeEscalation` to false and `privileged` to true".
    id: 'privileged-without-escalation',
    sides: [{ base: 'securityContext', path: ['privileged'] }, { base: 'securityContext', path: ['allowPrivilegeEscalation'] }],
    inheritsFromPod: false,
    clash: (privileged, escalation) => isTrue(privileged) && isFalse(escalation),
    consequence: 'the API server rejects privileged: true with allowPrivilegeEscalation: false (ValidateSecurityContext)',
    outcome: 'rejected',
  },
  {
    // API server: pkg/apis/core/validation/validation.go, ValidateSecurityContext —
    // "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN".
    // The check compares the literal string CAP_SYS_ADMIN: `SYS_ADMIN` (no prefix) is admitted
    // and runs, so it is deliberately not listed here.
    id: 'sys-admin-without-escalation',
    sides: [{ base: 'securityContext', path: ['capabilities', 'add'] }, { base: 'securityContext', path: ['allowPrivilegeEscalation'] }],
    inheritsFromPod: false,
    clash: (add, escalation) => asList(add).includes('CAP_SYS_ADMIN') && isFalse(escalation),
    consequence: 'the API server rejects capabilities.add CAP_SYS_ADMIN with allowPrivilegeEscalation: false (ValidateSecurityContext)',
    outcome: 'rejected',
  },
  {
    // API server: pkg/apis/core/validation/validation.go, ValidateResourceRequirements —
    // "must be less than or equal to <resource> limit" for every resource with both set.
    id: 'requests-above-limits',
    sides: [{ base: 'container', path: ['resources', 'requests', '$r'] }, { base: 'container', path: ['resources', 'limits', '$r'] }],
    inheritsFromPod: false,
    clash: (request, limit) => {
      const r = typeof request === 'number' ? request : typeof request === 'string' ? parseQuantity(request) : undefined;
      const l = typeof limit === 'number' ? limit : typeof limit === 'string' ? parseQuantity(limit) : undefined;
      return r !== undefined && l !== undefined && r > l;
    },
    consequence: 'the API server rejects a container whose resource request exceeds its limit (ValidateResourceRequirements)',
    outcome: 'rejected',
  },
  // Not listed: readOnlyRootFilesystem (never rejected by Kubernetes, whatever it combines with),
  // runAsGroup 0 with runAsNonRoot (allowed: only the user is checked).
];
