import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { injectedRejections } from '../../conflicts/injected.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { alignMutationFix, alignValidationFix } from './fixes.ts';
import { MUTATION_REJECTED, mutationsRejected } from '../../conflicts/rejected.ts';

/** An enforcing validation rejects what a mutation wrote: error when every matching object is denied, warning when some. */
export const mutationRejectedCheck: Check = {
  id: MUTATION_REJECTED,
  title: 'An enforcing validation rejects what a mutation produced',
  severity: 'error',
  conflicts: [
    { stage: 'facts', find: mutationsRejected },
    // What an injected container or volume does to every enforcing validation (the facts name no such field).
    { stage: 'effects', find: injectedRejections },
  ],
  checkWorkspace(ctx) {
    reportConflicts(ctx, MUTATION_REJECTED, (index, conflict, side) => [...alignMutationFix(index, conflict, side), ...alignValidationFix(index, conflict, side), ...excludeNamespacesFix(index, conflict, side)]);
  },
};
