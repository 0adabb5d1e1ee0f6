// Hover: the schema's description of the field under the cursor (with its type, allowed values and
// default) and, on a cron `schedule`, what the schedule means and when it runs next.
import { isScalar } from 'yaml';
import type { Span } from '../findings.ts';
import type { IndexedDocument, IndexedFile } from '../workspace/document.ts';
import { pathAt, type Path } from '../yaml/paths.ts';
import { describeAt, type FieldDescription } from '../schema/describe.ts';
import { describeSchedule } from '../cron/describe.ts';
import { formatSeconds } from '../cron/schedule.ts';

export interface HoverAnswer {
  markdown: string;
  span: Span;
}

/** Kinds whose `spec.schedule` is a cron schedule. */
const SCHEDULED_KINDS = new Set(['CronJob', 'CleanupPolicy', 'ClusterCleanupPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy']);

export function documentAt(file: IndexedFile, offset: number): IndexedDocument | undefined {
  return file.documents.find((d) => offset >= d.yaml.span.start && offset <= d.yaml.span.end);
}

export function hoverAt(file: IndexedFile, offset: number, now: Date = new Date()): HoverAnswer | undefined {
  const document = documentAt(file, offset);
  if (!document?.cls) return undefined;
  const hit = pathAt(document.yaml.doc, offset);
  if (!hit || hit.path.length === 0 || !hit.node.range) return undefined;
  const span = { start: hit.node.range[0], end: hit.node.range[1] };
  const { group, kind, version } = document.cls;
  const sections: string[] = [];

  const field = describeAt(group, kind, version, hit.path);
  if (field) sections.push(fieldMarkdown(hit.path, field));

  if (SCHEDULED_KINDS.has(kind) && hit.path.length === 2 && hit.path[0] === 'spec' && hit.path[1] === 'schedule') {
    const value = document.yaml.doc.getIn(['spec', 'schedule']);
    const timeZone = document.yaml.doc.getIn(['spec', 'timeZone']);
    if (typeof value === 'string') sections.push(scheduleMarkdown(value, typeof timeZone === 'string' ? timeZone : undefined, now));
  }
  if (sections.length === 0) return undefined;
  return { markdown: sections.join('\n\n---\n\n'), span: hit.onKey || isScalar(hit.node) ? span : { start: offset, end: offset } };
}

function fieldMarkdown(path: Path, field: FieldDescription): string {
  const name = path.filter((p) => typeof p === 'string').at(-1) ?? 'item';
  const facts = [field.type && `\`${field.type}\``, field.required && 'required'].filter(Boolean).join(' · ');
  const lines = [`**${name}**${facts ? ' — ' + facts : ''}`];
  if (field.enum?.length) lines.push(`Allowed values: ${field.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (field.default !== undefined) lines.push(`Default: \`${JSON.stringify(field.default)}\``);
  if (field.description) lines.push(field.description);
  lines.push(`<sub>${path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[')}</sub>`);
  return lines.join('\n\n');
}

function scheduleMarkdown(schedule: string, timeZone: string | undefined, now: Date): string {
  const described = describeSchedule(schedule, timeZone, now);
  if ('error' in described) return `**Schedule** \`${schedule}\`: ${described.error}`;
  const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const zoned = (d: Date) => (timeZone ? `${d.toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16)} ${timeZone} (${utc(d)})` : utc(d));
  const next = described.next.map((d) => `- ${zoned(d)}`).join('\n');
  return `**Schedule**: ${described.words}\n\nRuns at most every ${formatSeconds(described.intervalSeconds)}. Next runs:\n\n${next}`;
}
