import type { FileId, Span } from '../findings.ts';
import type { Path } from '../yaml/paths.ts';

/** What a YAML document is, decided from apiVersion + kind alone. */
export type DocClass =
  | { family: 'kyverno-legacy'; kind: LegacyKind; group: 'kyverno.io'; version: string }
  | { family: 'kyverno-cel'; kind: CelPolicyKind; group: 'policies.kyverno.io'; version: string }
  | { family: 'k8s-admission'; kind: AdmissionKind; group: 'admissionregistration.k8s.io'; version: string }
  | { family: 'kyverno-cli'; kind: 'Test' | 'Values' | 'UserInfo' | 'Context' | 'ClusterResource'; group: 'cli.kyverno.io'; version: string }
  | { family: 'resource'; kind: string; group: string; version: string };

export type LegacyKind = 'ClusterPolicy' | 'Policy' | 'CleanupPolicy' | 'ClusterCleanupPolicy' | 'PolicyException' | 'GlobalContextEntry' | 'UpdateRequest';
export type CelPolicyKind =
  | 'ValidatingPolicy' | 'NamespacedValidatingPolicy'
  | 'MutatingPolicy' | 'NamespacedMutatingPolicy'
  | 'GeneratingPolicy' | 'NamespacedGeneratingPolicy'
  | 'DeletingPolicy' | 'NamespacedDeletingPolicy'
  | 'ImageValidatingPolicy' | 'NamespacedImageValidatingPolicy'
  | 'PolicyException';
export type AdmissionKind = 'ValidatingAdmissionPolicy' | 'ValidatingAdmissionPolicyBinding' | 'MutatingAdmissionPolicy' | 'MutatingAdmissionPolicyBinding';

/** Where a part of a policy stands in the workspace: resolved to a span through the YAML tree. */
export interface SourceRef {
  file: FileId;
  docIndex: number;
  path: Path;
}

export type Phase = 'mutate' | 'validate' | 'generate' | 'verifyImages' | 'cleanup';
export type Enforcement = 'Enforce' | 'Audit' | 'Warn' | 'Deny';

/** What a rule can match, summarised for indexing (the engine decides exact matches). */
export interface MatchSummary {
  /** Kind names ('Pod', 'Deployment', '*'); already expanded by autogen. */
  kinds: string[];
  /** Namespace patterns ('*' wildcards allowed); empty = any namespace. */
  namespaces: string[];
  /** Namespaces excluded outright. */
  excludedNamespaces: string[];
  operations: string[];
  /** True when a CEL match condition or selector could not be decided statically. */
  conditional: boolean;
}

/** A value that cannot be known statically (computed by JMESPath, CEL, variables). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type MaybeKnown = unknown | typeof UNKNOWN;

/** A field a mutation writes. Paths use '*' for "every element" of a list (containers[*]). */
export interface FieldWrite {
  path: string[];
  value: MaybeKnown;
  /** 'always' overwrites; 'ifAbsent' is an add-if-absent anchor or a has() guard; 'conditional' depends on other fields. */
  guard: 'always' | 'ifAbsent' | 'conditional';
  source: SourceRef;
}

export interface FieldRead {
  path: string[];
  source: SourceRef;
}

export interface GenerateTarget {
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  synchronize: boolean;
  data: unknown;
  clone?: { namespace?: string; name?: string };
  source: SourceRef;
}

export interface RuleEffect {
  writes: FieldWrite[];
  reads: FieldRead[];
  targets: GenerateTarget[];
}

export interface Rule {
  name: string;
  phase: Phase;
  /** Source of the rule object itself (a legacy rule, a CEL policy's validation, ...). */
  source: SourceRef;
  match: MatchSummary;
  enforcement: Enforcement;
  effect: RuleEffect;
  /** The raw rule as written (a legacy rule object, or the CEL policy's spec for CEL kinds). */
  raw: Record<string, unknown>;
}

export interface Policy {
  cls: DocClass;
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  source: SourceRef;
  /** Kinds autogen adds for this policy's rules (Deployment, CronJob, ...), empty when off. */
  autogenKinds: string[];
  rules: Rule[];
  raw: Record<string, unknown>;
}

export interface Resource {
  cls: DocClass;
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  source: SourceRef;
  raw: Record<string, unknown>;
}
