import type { Check } from '../types.ts';
import type { Fix } from '../../findings.ts';
import { SPEC, companionFixes, cronJobOf, num, startingDeadlineFor } from './common.ts';
import { insertFields, replaceScalar } from './yamlEdits.ts';

/** Below this, the controller's own scheduling lag on a busy control plane makes runs miss their window. */
export const MIN_STARTING_DEADLINE = 100;

/**
 * `startingDeadlineSeconds` unset: the controller counts every missed schedule since the last run and
 * gives up for good after 100 of them. Too small: runs are skipped whenever the controller is late.
 */
export const startingDeadlineCheck: Check = {
  id: 'cronjob/starting-deadline',
  title: 'startingDeadlineSeconds unset or too small',
  severity: 'warning',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    if (!cj) return;
    const { file, document } = ctx;
    const current = num(cj.spec.startingDeadlineSeconds);
    if (cj.spec.startingDeadlineSeconds !== undefined && cj.spec.startingDeadlineSeconds !== null && (current === undefined || current > MIN_STARTING_DEADLINE)) return;
    const value = startingDeadlineFor(cj.shortestInterval);
    // Built only when an editor asks for code actions (the companion files are whole documents).
    const fixes = (): Fix[] => {
      const edit = current === undefined
        ? insertFields(file.file, document.yaml.doc, file.text, SPEC, { startingDeadlineSeconds: value })
        : replaceScalar(file.file, document.yaml.doc, [...SPEC, 'startingDeadlineSeconds'], value);
      const list: Fix[] = [];
      if (edit) list.push({ title: `Set startingDeadlineSeconds: ${value}`, edits: [edit], isPreferred: true });
      list.push(...companionFixes(ctx, cj));
      return list;
    };
    if (current === undefined) {
      ctx.report(
        { file: file.file, span: ctx.spanOf(SPEC, 'key') },
        'startingDeadlineSeconds is not set: after 100 missed schedules (controller down, cluster busy, CronJob suspended) the controller stops scheduling this CronJob for good, and a late run may start long after its slot. Decide how late a run may start.',
        { fixes },
      );
    } else {
      ctx.report(
        { file: file.file, span: ctx.spanOf([...SPEC, 'startingDeadlineSeconds'], 'value') },
        `startingDeadlineSeconds: ${current} is at or below ${MIN_STARTING_DEADLINE} s, within the CronJob controller's scheduling lag on a busy control plane: runs are skipped under load, silently. Use ${value} or more.`,
        { fixes },
      );
    }
  },
};
