import type { Check } from './types.ts';
import { schemaCheck } from './schema/schema.ts';
import { celCheck } from './cel/cel.ts';
import { forbidSilentSkipCheck } from './cronjob/forbidSilentSkip.ts';
import { startingDeadlineCheck } from './cronjob/startingDeadline.ts';
import { activeDeadlineMissingCheck } from './cronjob/activeDeadlineMissing.ts';
import { backoffLimitImplicitCheck } from './cronjob/backoffLimitImplicit.ts';
import { historyLimitsCheck } from './cronjob/historyLimits.ts';
import { mutableImageCheck } from './cronjob/mutableImage.ts';
import { scheduleCheck } from './cronjob/schedule.ts';

/** Every check the analyzer runs. A new check is one module plus one line here (see README, "Adding a check"). */
export const allChecks: readonly Check[] = [
  schemaCheck,
  celCheck,
  forbidSilentSkipCheck,
  startingDeadlineCheck,
  activeDeadlineMissingCheck,
  backoffLimitImplicitCheck,
  historyLimitsCheck,
  mutableImageCheck,
  scheduleCheck,
];
