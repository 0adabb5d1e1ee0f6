// The one class of invalid legacy policy `kyverno test` commonly meets: a policy in background mode
// (spec.background unset or true) that depends on who made the request. Kyverno's policy
// validation rejects it, the CLI skips the policy, and every expected result on it is reported
// "Skip / Invalid Policy", which is not a failure whatever the entry expected.
import { isObj } from '../../k8s/objects.ts';

// As Kyverno's background check reads a variable: a name not reached through a field.
const FORBIDDEN = [/[^.](serviceAccountName)\b/, /[^.](serviceAccountNamespace)\b/, /[^.](request\.userInfo)\b/, /[^.](request\.roles)\b/, /[^.](request\.clusterRoles)\b/];
// Kyverno's variable pattern: {{ ... }} allowing one level of nested braces, not escaped with a backslash.
const VARIABLE = /(?:^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;

function userInfoIn(block: unknown): string | undefined {
  if (!isObj(block)) return undefined;
  const filters = [block, ...(Array.isArray(block.any) ? block.any : []), ...(Array.isArray(block.all) ? block.all : [])];
  for (const f of filters) {
    if (!isObj(f)) continue;
    for (const key of ['roles', 'clusterRoles', 'subjects']) if (Array.isArray(f[key]) && f[key].length > 0) return key;
  }
  return undefined;
}

/** Why Kyverno's validation rejects this legacy policy in background mode, or undefined. */
export function backgroundInvalidity(policy: Record<string, unknown>): string | undefined {
  const spec = isObj(policy.spec) ? policy.spec : undefined;
  if (!spec || spec.background === false) return undefined;
  const rules = Array.isArray(spec.rules) ? spec.rules.filter(isObj) : [];
  for (const [i, rule] of rules.entries()) {
    for (const part of ['match', 'exclude'] as const) {
      const found = userInfoIn(rule[part]);
      if (found) return `spec.rules[${i}].${part} selects ${found}, which background mode cannot`;
    }
  }
  // A mutate-existing rule lets the policy read the requester in its variables.
  if (rules.some((r) => isObj(r.mutate) && Array.isArray(r.mutate.targets) && r.mutate.targets.length > 0)) return undefined;
  const text = JSON.stringify(spec);
  for (const m of text.matchAll(VARIABLE)) {
    const v = m[1]!;
    if (FORBIDDEN.some((re) => re.test(v))) return `variable ${v} is not allowed in background mode`;
  }
  return undefined;
}
