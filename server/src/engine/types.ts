// The engine's plain-data contract, shared by the legacy (kyverno.io) and CEL (policies.kyverno.io,
// admissionregistration) evaluators, the admission simulation and the `kyverno test` runner.
import type { Path } from '../yaml/paths.ts';

export type RuleStatus = 'pass' | 'fail' | 'skip' | 'warn' | 'error' | 'unknown';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  /** Kyverno's RBAC view of the requester: "namespace:role" and cluster role names. */
  roles?: string[];
  clusterRoles?: string[];
}

/** Everything about one admission request apart from the policies. */
export interface AdmissionContext {
  operation: Operation;
  oldObject?: Record<string, unknown>;
  userInfo?: UserInfo;
  /** Labels of the resource's namespace (namespaceSelector), when known. */
  namespaceLabels?: Record<string, string>;
  namespaceObject?: Record<string, unknown>;
  /** Variables supplied by a values file: global ones and this policy/resource's ones. */
  variables?: Record<string, unknown>;
  /** Resources the policies may look up (values file, test resources): never fetched from a cluster. */
  clusterResources?: Record<string, unknown>[];
  /** Params for VAP/MAP and CEL policies with paramKind. */
  params?: unknown;
}

export interface RuleResult {
  policy: string;
  rule: string;
  status: RuleStatus;
  /** One sentence: why this status (the failing pattern path, the denying condition, the unknown construct). */
  reason: string;
  /** The deciding part of the rule, as a path into the policy document's value. */
  path?: Path;
  /** For mutations: the resource after this rule. */
  patched?: Record<string, unknown>;
  /** For generation: the resources this rule creates. */
  generated?: Record<string, unknown>[];
}

export interface PolicyResult {
  rules: RuleResult[];
  /** The resource after every mutation of this policy (unchanged when none applied). */
  patched: Record<string, unknown>;
}

/** Evaluates one policy document on one resource. Never throws: failures become 'error' results. */
export type PolicyEvaluator = (
  policy: Record<string, unknown>,
  resource: Record<string, unknown>,
  context: AdmissionContext,
) => PolicyResult;
