import type { Check } from '../types.ts';
import { reportConflicts } from './report.ts';
import { simulatedImageBreaks } from '../../conflicts/imageRewrites.ts';
import { excludeNamespacesFix } from './excludeNamespaces.ts';
import { MUTATION_BREAKS_IMAGE_VERIFICATION, imageVerificationBreaks } from '../../conflicts/images.ts';

/** An image-rewriting mutation moves images outside the references a verifyImages / ImageValidatingPolicy rule checks. */
export const mutationBreaksImageVerificationCheck: Check = {
  id: MUTATION_BREAKS_IMAGE_VERIFICATION,
  title: 'A mutation rewrites images out of reach of image verification',
  severity: 'warning',
  conflicts: [
    { stage: 'facts', find: imageVerificationBreaks },
    { stage: 'effects', find: simulatedImageBreaks },
  ],
  checkWorkspace(ctx) {
    // Only the rewriting mutation is narrowed: excluding namespaces from the verifier would stop verifying there.
    reportConflicts(ctx, MUTATION_BREAKS_IMAGE_VERIFICATION, (index, conflict, side) => (side.owner.rule.phase === 'mutate' ? excludeNamespacesFix(index, conflict, side) : []));
  },
};
