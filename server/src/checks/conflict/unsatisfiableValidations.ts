import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { UNSATISFIABLE_VALIDATIONS, unsatisfiableValidations } from '../../conflicts/unsatisfiable.ts';

/** Enforcing validations with overlapping matches that no object can satisfy together. */
export const unsatisfiableValidationsCheck: Check = {
  id: UNSATISFIABLE_VALIDATIONS,
  title: 'Enforcing validations that no object satisfies together',
  severity: 'error',
  conflicts: [{ stage: 'facts', find: unsatisfiableValidations }],
  checkWorkspace(ctx) {
    reportConflicts(ctx, UNSATISFIABLE_VALIDATIONS, excludeNamespacesFix);
  },
};
