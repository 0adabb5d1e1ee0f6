import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { ORDER_DEPENDENT, simulatedConflicts } from '../../conflicts/simulated.ts';

/** The simulated admission outcome differs between mutation orders, for anything the other conflict checks do not explain. */
export const orderDependentCheck: Check = {
  id: ORDER_DEPENDENT,
  title: 'The admission outcome depends on the order of mutations',
  severity: 'warning',
  conflicts: [
    // Both orders of each pair of mutations on witnesses; it also decides the mutation-rejected pairs the facts could not.
    { stage: 'orders', find: simulatedConflicts },
  ],
  checkWorkspace(ctx) {
    reportConflicts(ctx, ORDER_DEPENDENT, excludeNamespacesFix);
  },
};
