import type { Check } from './types.ts';
import { schemaCheck } from './schema/schema.ts';

/** Every check the analyzer runs. A new check is one module plus one line here (see README, "Adding a check"). */
export const allChecks: readonly Check[] = [
  schemaCheck,
];
