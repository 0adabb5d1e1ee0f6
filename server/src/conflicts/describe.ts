// Wording shared by every conflict message: values as YAML authors write them, policies by kind and name.
import type { RuleRef } from './facts.ts';

export function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

/** `MutatingPolicy enforce-non-root`, `ClusterPolicy add-labels (rule add-app)` */
export function ruleName(ref: RuleRef): string {
  const { policy, rule } = ref;
  const base = `${policy.kind} ${policy.name}`;
  return policy.cls.family === 'kyverno-legacy' && (policy.rules.length > 1 || rule.name !== policy.name) ? `${base} (rule ${rule.name})` : base;
}

/** `enforce-non-root`, or `add-labels/add-app` for a legacy rule of a multi-rule policy. */
export function shortName(ref: RuleRef): string {
  return ref.policy.rules.length > 1 ? `${ref.policy.name}/${ref.rule.name}` : ref.policy.name;
}
