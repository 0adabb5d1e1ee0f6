import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { alignMutationFix, alignValidationFix } from './fixes.ts';
import { MUTATION_REJECTED } from '../../conflicts/rejected.ts';

/** An enforcing validation rejects what a mutation wrote: error when every matching object is denied, warning when some. */
export const mutationRejectedCheck: Check = {
  id: MUTATION_REJECTED,
  title: 'An enforcing validation rejects what a mutation produced',
  severity: 'error',
  checkWorkspace(ctx) {
    reportConflicts(ctx, MUTATION_REJECTED, (index, conflict, side) => [...alignMutationFix(index, conflict, side), ...alignValidationFix(index, conflict, side), ...excludeNamespacesFix(index, conflict, side)]);
  },
};
