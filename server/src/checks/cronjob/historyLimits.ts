import type { Check } from '../types.ts';
import { SPEC, cronJobOf, num } from './common.ts';
import { replaceScalar } from './yamlEdits.ts';

/** Above this many kept Jobs (each with its Pods), etcd and the Job controller pay for history nobody reads. */
export const MAX_HISTORY = 10;
export const SUGGESTED_HISTORY = 3;

const FIELDS = [
  { key: 'successfulJobsHistoryLimit', what: 'successful' },
  { key: 'failedJobsHistoryLimit', what: 'failed' },
] as const;

/** History limits of 0 (no Job or Pod left to debug) or very high (every kept Job and Pod lives in etcd). */
export const historyLimitsCheck: Check = {
  id: 'cronjob/history-limits',
  title: 'CronJob history limits of 0 or very high',
  severity: 'warning',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    if (!cj) return;
    const { file, document } = ctx;
    for (const { key, what } of FIELDS) {
      const value = num(cj.spec[key]);
      if (value === undefined || (value > 0 && value <= MAX_HISTORY)) continue;
      const path = [...SPEC, key];
      const edit = replaceScalar(file.file, document.yaml.doc, path, SUGGESTED_HISTORY);
      const message = value === 0
        ? `${key}: 0 deletes every ${what} Job and its Pods at once: when a run ${what === 'failed' ? 'fails' : 'misbehaves'} there are no logs or events left to debug it. Keep a few (e.g. ${SUGGESTED_HISTORY}).`
        : `${key}: ${value} keeps ${value} ${what} Jobs with their Pods in etcd (more than ${MAX_HISTORY}): the API server and the Job controller pay for history nobody reads. A few (e.g. ${SUGGESTED_HISTORY}) are enough to debug.`;
      ctx.report({ file: file.file, span: ctx.spanOf(path, 'value') }, message, {
        fixes: edit ? [{ title: `Set ${key}: ${SUGGESTED_HISTORY}`, edits: [edit], isPreferred: true }] : [],
      });
    }
  },
};
