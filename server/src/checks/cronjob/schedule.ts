import { isScalar } from 'yaml';
import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix, Span, TextEdit } from '../../findings.ts';
import { nodeAt } from '../../yaml/paths.ts';
import { isValidTimeZone, parseSchedule, type ScheduleProblem } from '../../cron/schedule.ts';
import { SPEC, cronJobOf } from './common.ts';
import { insertFields, replaceScalar } from './yamlEdits.ts';

/** The squiggle inside the schedule string when the problem names a field and the scalar is one line. */
function problemSpan(ctx: DocumentCheckContext, problem: ScheduleProblem): Span {
  const whole = ctx.spanOf([...SPEC, 'schedule'], 'value');
  if (problem.start === undefined || problem.end === undefined) return whole;
  const source = ctx.file.text.slice(whole.start, whole.end);
  const node = nodeAt(ctx.document.yaml.doc, [...SPEC, 'schedule']);
  if (!isScalar(node) || typeof node.value !== 'string') return whole;
  const inner = source.startsWith('"') || source.startsWith("'") ? 1 : 0;
  if (source.slice(inner, inner + node.value.length) !== node.value) return whole;
  return { start: whole.start + inner + problem.start, end: whole.start + inner + problem.end };
}

/** `TZ=`/`CRON_TZ=` in the schedule: move the zone to the `timeZone` field (one edit when they touch). */
function moveTimeZoneFix(ctx: DocumentCheckContext, schedule: string, zone: string): Fix | undefined {
  const { file, document } = ctx;
  const rest = schedule.trim().replace(/^(?:CRON_TZ|TZ)=\S+\s+/, '');
  const replace = replaceScalar(file.file, document.yaml.doc, [...SPEC, 'schedule'], rest);
  const insert = insertFields(file.file, document.yaml.doc, file.text, SPEC, { timeZone: zone });
  if (!replace || !insert) return undefined;
  const edits: TextEdit[] = insert.span.start === replace.span.end
    ? [{ file: file.file, span: replace.span, newText: replace.newText + insert.newText }]
    : [replace, insert];
  return { title: `Move the time zone to timeZone: ${zone}`, edits, isPreferred: true };
}

/** A schedule or time zone the API server rejects, or that the controller cannot run. */
export const scheduleCheck: Check = {
  id: 'cronjob/schedule',
  title: 'Invalid CronJob schedule or time zone',
  severity: 'error',
  checkDocument(ctx) {
    const cj = cronJobOf(ctx);
    if (!cj) return;
    const { file } = ctx;
    const schedule = cj.spec.schedule;
    if (typeof schedule !== 'string') {
      const span = schedule === undefined ? ctx.spanOf(SPEC, 'key') : ctx.spanOf([...SPEC, 'schedule'], 'value');
      ctx.report({ file: file.file, span }, schedule === undefined ? 'A CronJob needs spec.schedule (a cron expression such as "0 3 * * *").' : 'spec.schedule must be a string (quote the cron expression).');
      return;
    }
    const { parsed, problem } = parseSchedule(schedule);
    if (!parsed) {
      ctx.report({ file: file.file, span: problemSpan(ctx, problem!) }, `Invalid schedule "${schedule}": ${problem!.message}. The API server rejects this CronJob.`);
      return;
    }
    const timeZone = cj.spec.timeZone;
    if (parsed.prefixTimeZone !== undefined) {
      const fix = timeZone === undefined && isValidTimeZone(parsed.prefixTimeZone) ? moveTimeZoneFix(ctx, schedule, parsed.prefixTimeZone) : undefined;
      ctx.report(
        { file: file.file, span: ctx.spanOf([...SPEC, 'schedule'], 'value') },
        'TZ or CRON_TZ in the schedule is rejected by the API server for new CronJobs (Kubernetes 1.27+) and was never officially supported: use the timeZone field.',
        { fixes: fix ? [fix] : [] },
      );
    }
    if (timeZone !== undefined && (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))) {
      ctx.report(
        { file: file.file, span: ctx.spanOf([...SPEC, 'timeZone'], 'value') },
        `Unknown time zone ${JSON.stringify(timeZone)}: timeZone must be a name of the tz database, spelled exactly (e.g. Europe/Berlin, America/New_York, Etc/UTC). The API server rejects this CronJob.`,
      );
    }
  },
};
