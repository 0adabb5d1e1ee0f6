import type { Policy } from '../../model/types.ts';
import { isNamespacedPolicyKind, policyIdentity } from '../../model/identity.ts';
import type { Check } from '../types.ts';

const describe = (policy: Policy) => `${policy.kind} \`${policy.name}\`${isNamespacedPolicyKind(policy.kind) && policy.namespace ? ` in namespace \`${policy.namespace}\`` : ''}`;

/**
 * Two documents defining one policy identity: applying both, the later apply replaces the earlier
 * (the API server keeps one object per identity), so only one of them is ever in effect.
 */
export const duplicateNameCheck: Check = {
  id: 'policy/duplicate-name',
  title: 'Two documents define the same policy',
  severity: 'warning',
  checkWorkspace(ctx) {
    const byIdentity = new Map<string, Policy[]>();
    for (const policy of ctx.index.policies()) {
      const identity = policyIdentity(policy);
      if (identity === undefined) continue;
      const list = byIdentity.get(identity);
      if (list) list.push(policy);
      else byIdentity.set(identity, [policy]);
    }
    for (const definitions of byIdentity.values()) {
      if (definitions.length < 2) continue;
      const at = (p: Policy) => ({ file: p.source.file, span: ctx.spanOf({ ...p.source, path: [...p.source.path, 'metadata', 'name'] }) });
      for (const policy of definitions) {
        const others = definitions.filter((p) => p !== policy);
        ctx.report(
          at(policy),
          `${describe(policy)} is defined ${definitions.length} times in the workspace; applied together, each apply replaces the object the previous one created, so only the definition applied last is in effect. Rename one, or keep one definition.`,
          { related: others.map((p) => ({ ...at(p), message: `${describe(p)} is also defined here` })) },
        );
      }
    }
  },
};
