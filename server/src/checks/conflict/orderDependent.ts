import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { ORDER_DEPENDENT } from '../../conflicts/simulated.ts';

/** The simulated admission outcome differs between mutation orders, for anything the other conflict checks do not explain. */
export const orderDependentCheck: Check = {
  id: ORDER_DEPENDENT,
  title: 'The admission outcome depends on the order of mutations',
  severity: 'warning',
  checkWorkspace(ctx) {
    reportConflicts(ctx, ORDER_DEPENDENT, excludeNamespacesFix);
  },
};
