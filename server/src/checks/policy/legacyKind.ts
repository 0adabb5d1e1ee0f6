import type { Check } from '../types.ts';

const TARGET: Record<string, string> = {
  validate: 'ValidatingPolicy',
  mutate: 'MutatingPolicy',
  generate: 'GeneratingPolicy',
  verifyImages: 'ImageValidatingPolicy',
};

/**
 * `ClusterPolicy`/`Policy` (kyverno.io/v1) are deprecated in favour of the policies.kyverno.io kinds.
 * Information only: the migration is offered where it is mechanical (not yet).
 */
export const legacyKindCheck: Check = {
  id: 'policy/legacy-kind',
  title: 'Deprecated ClusterPolicy/Policy kind',
  severity: 'info',
  checkDocument(ctx) {
    const cls = ctx.document.cls;
    if (!cls || cls.family !== 'kyverno-legacy' || (cls.kind !== 'ClusterPolicy' && cls.kind !== 'Policy') || ctx.file.role !== 'workspace') return;
    const rules = ctx.document.policy?.rules ?? [];
    const targets = [...new Set(rules.map((r) => TARGET[r.phase]).filter(Boolean))];
    const prefix = cls.kind === 'Policy' ? 'Namespaced' : '';
    const into = targets.length ? targets.map((t) => prefix + t).join(' + ') : 'the policies.kyverno.io kinds';
    ctx.report(
      { file: ctx.file.file, span: ctx.spanOf(['kind'], 'value') },
      `${cls.kind} (kyverno.io/${cls.version}) is deprecated in favour of the CEL-based policies.kyverno.io kinds; this one would become ${into}. Plan the migration: new features land in the CEL kinds only.`,
    );
  },
};
