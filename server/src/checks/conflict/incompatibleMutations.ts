import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { INCOMPATIBLE_MUTATIONS, incompatibleMutations } from '../../conflicts/incompatible.ts';

/** Mutations of different rules whose combined result Kubernetes rejects or cannot run (see conflicts/invariants.ts). */
export const incompatibleMutationsCheck: Check = {
  id: INCOMPATIBLE_MUTATIONS,
  title: 'Mutations combine into an object Kubernetes rejects or cannot run',
  severity: 'error',
  conflicts: [{ stage: 'facts', find: incompatibleMutations }],
  checkWorkspace(ctx) {
    reportConflicts(ctx, INCOMPATIBLE_MUTATIONS, excludeNamespacesFix);
  },
};
