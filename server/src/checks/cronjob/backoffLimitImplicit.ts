import type { Check } from '../types.ts';
import type { Fix } from '../../findings.ts';
import { JOB_SPEC, JOB_TEMPLATE, companionFixes, cronJobOf } from './common.ts';
import { insertFields } from './yamlEdits.ts';

export const SUGGESTED_BACKOFF_LIMIT = 2;

/**
 * `backoffLimit` left at the default 6: a failing run retries with exponential back-off for minutes,
 * then the Job is marked failed and nobody is told. An explicit value says the author decided.
 */
export const backoffLimitImplicitCheck: Check = {
  id: 'cronjob/backoff-limit-implicit',
  title: 'backoffLimit left at the implicit default of 6',
  severity: 'warning',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    // Indexed Jobs with backoffLimitPerIndex count retries per index instead.
    if (!cj || cj.jobSpec.backoffLimit !== undefined || cj.jobSpec.backoffLimitPerIndex !== undefined) return;
    const { file, document } = ctx;
    // Built only when an editor asks for code actions (the companion files are whole documents).
    const fixes = (): Fix[] => {
      const list: Fix[] = [];
      const edit = insertFields(file.file, document.yaml.doc, file.text, JOB_SPEC, { backoffLimit: SUGGESTED_BACKOFF_LIMIT });
      if (edit) list.push({ title: `Set backoffLimit: ${SUGGESTED_BACKOFF_LIMIT} explicitly`, edits: [edit], isPreferred: true });
      list.push(...companionFixes(ctx, cj));
      return list;
    };
    ctx.report(
      { file: file.file, span: ctx.spanOf(JOB_TEMPLATE, 'key') },
      'backoffLimit is not set, so the default 6 applies: a failing run is retried with growing delays (10 s, 20 s, 40 s, … about 10 minutes in all), then the Job is marked failed and nobody is told. Set it explicitly and alert on failed Jobs.',
      { fixes },
    );
  },
};
