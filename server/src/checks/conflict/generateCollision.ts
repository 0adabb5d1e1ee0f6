import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { GENERATE_COLLISION, generateCollisions } from '../../conflicts/generate.ts';

/** Two generate rules produce the same target with different content. */
export const generateCollisionCheck: Check = {
  id: GENERATE_COLLISION,
  title: 'Two generate rules produce the same resource with different content',
  severity: 'warning',
  conflicts: [{ stage: 'facts', find: generateCollisions }],
  checkWorkspace(ctx) {
    reportConflicts(ctx, GENERATE_COLLISION);
  },
};
