import type { Check } from '../types.ts';
import { generatedKinds } from './targets.ts';

export const RBAC_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

/**
 * A generate rule or GeneratingPolicy that creates ServiceAccounts, Roles or bindings: Kyverno's
 * service account then holds the right to grant those permissions everywhere it generates, and
 * access becomes a side effect of creating a namespace instead of a decision of its owner.
 */
export const rbacViaGenerateCheck: Check = {
  id: 'generate/rbac-via-generate',
  title: 'RBAC objects created by a generate rule',
  severity: 'warning',
  checkDocument(ctx) {
    const seen = new Set<string>();
    for (const target of generatedKinds(ctx.document)) {
      if (!RBAC_KINDS.has(target.kind)) continue;
      const key = `${target.at.join('.')}:${target.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report(
        { file: ctx.file.file, span: ctx.spanOf(target.at, 'value') },
        `This generates a ${target.kind}: RBAC then follows from creating a namespace (or whatever triggers the rule) instead of being granted by the namespace owner, and Kyverno's own service account must hold every permission it hands out (escalate/bind). Manage ${target.kind} objects with the namespace's GitOps/onboarding, or review this grant as a cluster-wide one.`,
      );
    }
  },
};
