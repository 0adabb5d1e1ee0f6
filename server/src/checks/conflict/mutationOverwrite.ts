import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { confirmedOverwrites } from '../../conflicts/overwriteConfirmed.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { addIfAbsentFix, mergePoliciesFix } from './fixes.ts';
import { MUTATION_OVERWRITE } from '../../conflicts/overwrite.ts';

/** Two mutations with overlapping matches write one field with different values; Kyverno defines no order across policies. */
export const mutationOverwriteCheck: Check = {
  id: MUTATION_OVERWRITE,
  title: 'Two mutations overwrite the same field with different values',
  severity: 'warning',
  conflicts: [{ stage: 'facts', find: confirmedOverwrites }],
  checkWorkspace(ctx) {
    reportConflicts(ctx, MUTATION_OVERWRITE, (index, conflict, side) => [...addIfAbsentFix(index, conflict), ...mergePoliciesFix(index, conflict, side), ...excludeNamespacesFix(index, conflict, side)]);
  },
};
