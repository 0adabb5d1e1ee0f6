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
import { blockedByPolicyCheck } from './workload/blockedByPolicy.ts';
import { rbacViaGenerateCheck } from './generate/rbacViaGenerate.ts';
import { unsynchronizedCopyCheck } from './generate/unsynchronizedCopy.ts';
import { noDryRunFirstCheck } from './cleanup/noDryRunFirst.ts';
import { preferMutateCheck } from './advice/preferMutate.ts';
import { mutationWithoutReportCheck } from './advice/mutationWithoutReport.ts';
import { legacyKindCheck } from './policy/legacyKind.ts';
import { duplicateNameCheck } from './policy/duplicateName.ts';
import { orphanCheck } from './hygiene/orphan.ts';
import { unusedSuppressionCheck } from './hygiene/suppression.ts';

import { mutationOverwriteCheck } from './conflict/mutationOverwrite.ts';
import { incompatibleMutationsCheck } from './conflict/incompatibleMutations.ts';
import { mutationRejectedCheck } from './conflict/mutationRejected.ts';
import { unsatisfiableValidationsCheck } from './conflict/unsatisfiableValidations.ts';
import { generateCollisionCheck } from './conflict/generateCollision.ts';
import { orderDependentCheck } from './conflict/orderDependent.ts';
import { mutationBreaksImageVerificationCheck } from './conflict/mutationBreaksImageVerification.ts';
import { autogenSkippedCheck } from './safety/autogenSkipped.ts';
import { autogenTranslationCheck } from './safety/autogenTranslation.ts';
import { failClosedCriticalCheck } from './safety/failClosedCritical.ts';
import { namespaceSelectorIneffectiveCheck } from './safety/namespaceSelectorIneffective.ts';

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
  blockedByPolicyCheck,
  rbacViaGenerateCheck,
  unsynchronizedCopyCheck,
  noDryRunFirstCheck,
  preferMutateCheck,
  mutationWithoutReportCheck,
  legacyKindCheck,
  duplicateNameCheck,
  orphanCheck,
  unusedSuppressionCheck,
  mutationOverwriteCheck,
  incompatibleMutationsCheck,
  mutationRejectedCheck,
  unsatisfiableValidationsCheck,
  generateCollisionCheck,
  orderDependentCheck,
  mutationBreaksImageVerificationCheck,
  autogenSkippedCheck,
  autogenTranslationCheck,
  failClosedCriticalCheck,
  namespaceSelectorIneffectiveCheck,
];
