import type { Check } from '../types.ts';
import { formatSeconds } from '../../cron/schedule.ts';
import { JOB_SPEC, activeDeadlineFor, companionFixes, cronJobOf, deadlineFixTitle, every, num } from './common.ts';
import { insertFields, replaceScalar } from './yamlEdits.ts';
import type { Fix } from '../../findings.ts';

/**
 * `concurrencyPolicy: Forbid` skips a run while the previous one is still active, with no error and
 * no event. Without a Job deadline below the shortest interval, one slow or stuck run silently
 * swallows the following ones.
 */
export const forbidSilentSkipCheck: Check = {
  id: 'cronjob/forbid-silent-skip',
  title: 'concurrencyPolicy: Forbid without a run-time bound skips runs silently',
  severity: 'warning',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    if (!cj || cj.spec.concurrencyPolicy !== 'Forbid') return;
    const deadline = num(cj.jobSpec.activeDeadlineSeconds);
    const interval = cj.shortestInterval;
    if (deadline !== undefined && (interval === undefined || deadline < interval)) return;
    const { file, document } = ctx;
    // Built only when an editor asks for code actions (the companion files are whole documents).
    const fixes = (): Fix[] => {
      const list: Fix[] = [];
      const nominal = cj.nominalInterval;
      if (nominal !== undefined) {
        const value = activeDeadlineFor(nominal);
        const edit = deadline === undefined
          ? insertFields(file.file, document.yaml.doc, file.text, JOB_SPEC, { activeDeadlineSeconds: value })
          : replaceScalar(file.file, document.yaml.doc, [...JOB_SPEC, 'activeDeadlineSeconds'], value);
        if (edit) list.push({ title: deadlineFixTitle(value, nominal), edits: [edit], isPreferred: true });
      }
      list.push(...companionFixes(ctx, cj));
      return list;
    };
    const why = deadline === undefined
      ? 'the Job has no activeDeadlineSeconds'
      : `activeDeadlineSeconds (${formatSeconds(deadline)}) is not below the shortest interval (${formatSeconds(interval!)})`;
    ctx.report(
      { file: file.file, span: ctx.spanOf(['spec', 'concurrencyPolicy'], 'value') },
      `concurrencyPolicy: Forbid skips the next run without any error or event while a run is still active, and ${why}: one slow or stuck run silently swallows ${every(cj.nominalInterval)}. Bound the run time below the interval.`,
      { fixes },
    );
  },
};
