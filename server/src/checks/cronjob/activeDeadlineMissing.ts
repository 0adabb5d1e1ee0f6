import type { Check } from '../types.ts';
import type { Fix } from '../../findings.ts';
import { JOB_SPEC, JOB_TEMPLATE, activeDeadlineFor, companionFixes, cronJobOf, deadlineFixTitle } from './common.ts';
import { insertFields } from './yamlEdits.ts';

/**
 * No `activeDeadlineSeconds` on the Job: a Pod that stays Pending (no node fits its requests, an
 * image that never pulls) or hangs is never timed out, and nothing reports it.
 */
export const activeDeadlineMissingCheck: Check = {
  id: 'cronjob/active-deadline-missing',
  title: 'The Job of a CronJob has no activeDeadlineSeconds',
  severity: 'warning',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    if (!cj || cj.jobSpec.activeDeadlineSeconds !== undefined) return;
    const { file, document } = ctx;
    // Built only when an editor asks for code actions (the companion files are whole documents).
    const fixes = (): Fix[] => {
      const list: Fix[] = [];
      if (cj.nominalInterval !== undefined) {
        const value = activeDeadlineFor(cj.nominalInterval);
        const edit = insertFields(file.file, document.yaml.doc, file.text, JOB_SPEC, { activeDeadlineSeconds: value });
        if (edit) list.push({ title: deadlineFixTitle(value, cj.nominalInterval), edits: [edit], isPreferred: true });
      }
      list.push(...companionFixes(ctx, cj));
      return list;
    };
    ctx.report(
      { file: file.file, span: ctx.spanOf(JOB_TEMPLATE, 'key') },
      'The Job has no activeDeadlineSeconds: a Pod stuck Pending (no node fits its requests, an image that never pulls) or hanging is never timed out, and no failure is ever reported. Set a deadline below the schedule interval.',
      { fixes },
    );
  },
};
