// Hover: the schema's description of the field under the cursor (with its type, allowed values and
// default) and, on a cron `schedule`, what the schedule means and when it runs next.
import { isScalar } from 'yaml';
import type { Span } from '../findings.ts';
import type { IndexedDocument, IndexedFile } from '../workspace/document.ts';
import { pathAt, type Path } from '../yaml/paths.ts';
import { describeAt, type FieldDescription } from '../schema/describe.ts';
import { describeSchedule } from '../cron/describe.ts';
import type { FileId } from '../findings.ts';
import type { Policy, Rule, SourceRef } from '../model/types.ts';
import { celObjectReads } from '../model/reads.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { configMapHoverMarkdown } from '../conflicts/configMaps.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { describeTestData } from '../workspace/testData.ts';
import { basename, dirname, relative } from 'node:path';
import { markdownCode, markdownLink, markdownText } from '../escape.ts';

export interface HoverAnswer {
  markdown: string;
  span: Span;
}

/** Kinds whose `spec.schedule` is a cron schedule. */
const SCHEDULED_KINDS = new Set(['CronJob', 'CleanupPolicy', 'ClusterCleanupPolicy', 'DeletingPolicy', 'NamespacedDeletingPolicy']);

export function documentAt(file: IndexedFile, offset: number): IndexedDocument | undefined {
  return file.documents.find((d) => offset >= d.yaml.span.start && offset <= d.yaml.span.end);
}

/** What the field-usage section needs from the host: the workspace and how to link into it. */
export interface HoverWorkspace {
  index: WorkspaceIndex;
  uriOf(file: FileId): string;
  linesOf(file: FileId): LineIndex | undefined;
}

export function hoverAt(file: IndexedFile, offset: number, now: Date = new Date(), workspace?: HoverWorkspace): HoverAnswer | undefined {
  const testData = testDataHover(file, offset);
  if (testData) return testData;
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
  if (workspace && document.policy) {
    const usage = fieldUsageMarkdown(file, document.policy, hit.path, offset, workspace);
    if (usage) sections.push(usage);
    const at = hit.path.lastIndexOf('context');
    const entry = at >= 0 && typeof hit.path[at + 1] === 'number' ? document.yaml.doc.getIn(hit.path.slice(0, at + 2), true) : undefined;
    const reads = entry && typeof entry === 'object' && 'toJSON' in entry ? configMapHoverMarkdown((entry as { toJSON(): unknown }).toJSON(), workspace.index.resourcesOfKind('ConfigMap'), (r) => markdownLink(r.name, workspace.uriOf(r.source.file))) : undefined;
    if (reads) sections.push(reads);
  }
  if (sections.length === 0) return undefined;
  return { markdown: sections.join('\n\n---\n\n'), span: hit.onKey || isScalar(hit.node) ? span : { start: offset, end: offset } };
}

/** On the first line of a test-data file: that it is test data, and which tests name it. */
function testDataHover(file: IndexedFile, offset: number): HoverAnswer | undefined {
  if (!file.testData || (file.role !== 'test-data' && file.role !== 'test-assertion')) return undefined;
  const firstLineEnd = file.text.indexOf('\n');
  if (firstLineEnd >= 0 && offset > firstLineEnd) return undefined;
  const markdown = describeTestData(file.role, file.testData, (test) => relative(dirname(file.file), test) || basename(test));
  return markdown ? { markdown, span: { start: 0, end: firstLineEnd < 0 ? file.text.length : firstLineEnd } } : undefined;
}

function fieldMarkdown(path: Path, field: FieldDescription): string {
  const name = path.filter((p) => typeof p === 'string').at(-1) ?? 'item';
  const facts = [field.type && `\`${field.type}\``, field.required && 'required'].filter(Boolean).join(' · ');
  const lines = [`**${markdownText(String(name))}**${facts ? ' — ' + facts : ''}`];
  if (field.enum?.length) lines.push(`Allowed values: ${field.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (field.default !== undefined) lines.push(`Default: \`${JSON.stringify(field.default)}\``);
  if (field.description) lines.push(field.description);
  // The path is the document's own keys: a code span, never HTML.
  lines.push(markdownCode(path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[')));
  return lines.join('\n\n');
}

function scheduleMarkdown(schedule: string, timeZone: string | undefined, now: Date): string {
  const described = describeSchedule(schedule, timeZone, now);
  if ('error' in described) return `**Schedule** ${markdownCode(schedule)}: ${markdownText(described.error)}`;
  const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const zoned = (d: Date) => (timeZone ? `${d.toLocaleString('sv-SE', { timeZone, hour12: false }).slice(0, 16)} ${timeZone} (${utc(d)})` : utc(d));
  const next = described.next.map((d) => `- ${zoned(d)}`).join('\n');
  return `**Schedule**: ${described.words}\n\n${described.interval} Next runs:\n\n${next}`;
}

// ---- Field usage: the other rules that write or read the field under the cursor ---------------

type Access = 'writes' | 'reads';

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
const isPrefix = (a: string[], b: string[]) => a.length <= b.length && a.every((x, i) => x === b[i]);

/** The field a rule writes or reads at the cursor: a patch/pattern key, or an `object.x.y` path in CEL. */
function fieldAt(file: IndexedFile, policy: Policy, path: Path, offset: number): { rule: Rule; field: string[]; access: Access } | undefined {
  for (const rule of policy.rules) {
    const touched: { path: string[]; source: SourceRef; access: Access }[] = [
      ...rule.effect.writes.map((w) => ({ path: w.path, source: w.source, access: 'writes' as const })),
      ...rule.effect.reads.map((r) => ({ path: r.path, source: r.source, access: 'reads' as const })),
    ];
    const here = touched.filter((t) => samePath(t.source.path, path));
    if (here.length === 0) continue;
    if (here.length === 1 && !here[0]!.path.length) continue;
    // One source for several fields: a CEL expression. Take the `object.…` path under the cursor.
    const cel = here.length > 1 || isCelExpression(path) ? celPathAt(file.text, offset) : undefined;
    if (cel) {
      const known = here.find((t) => samePath(t.path, cel)) ?? here.filter((t) => isPrefix(t.path, cel) || isPrefix(cel, t.path)).sort((a, b) => b.path.length - a.path.length)[0];
      return { rule, field: known?.path ?? cel, access: known?.access ?? (rule.phase === 'mutate' ? 'writes' : 'reads') };
    }
    if (here.length === 1) return { rule, field: here[0]!.path, access: here[0]!.access };
  }
  return undefined;
}

function isCelExpression(path: Path): boolean {
  return path.at(-1) === 'expression';
}

/** The `object.a.b` path around `offset` in the text (on its line), without trailing methods. */
function celPathAt(text: string, offset: number): string[] | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const column = offset - lineStart;
  for (const m of line.matchAll(/\bobject(?:\.\??[A-Za-z_][A-Za-z0-9_]*)+/g)) {
    if (column < m.index || column > m.index + m[0].length) continue;
    const path = celObjectReads(m[0], { file: '', docIndex: 0, path: [] })[0]?.path;
    return path?.length ? path : undefined;
  }
  return undefined;
}

function fieldUsageMarkdown(file: IndexedFile, policy: Policy, path: Path, offset: number, workspace: HoverWorkspace): string | undefined {
  const found = fieldAt(file, policy, path, offset);
  if (!found) return undefined;
  const { index } = workspace;
  const { rule, field, access } = found;
  const kinds = rule.match.kinds.length && !rule.match.kinds.includes('*') ? rule.match.kinds : index.kindsWithRules();
  const seen = new Set<Rule>([rule]);
  const entries: string[] = [];
  for (const { policy: other, rule: candidate } of kinds.flatMap((k) => index.rulesForKind(k))) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const touches = [
      ...candidate.effect.writes.map((w) => ({ path: w.path, source: w.source, access: 'writes' as const })),
      ...candidate.effect.reads.map((r) => ({ path: r.path, source: r.source, access: 'reads' as const })),
    ].filter((t) => isPrefix(t.path, field) || isPrefix(field, t.path));
    if (touches.length === 0) continue;
    const t = touches.find((x) => x.path.length === field.length) ?? touches[0]!;
    const lines = workspace.linesOf(t.source.file);
    const line = lines ? lines.positionAt(index.spanOf(t.source, 'key').start).line + 1 : undefined;
    const label = candidate.name && candidate.name !== other.name ? `${other.name}/${candidate.name}` : other.name;
    const target = `${workspace.uriOf(t.source.file)}${line ? `#L${line}` : ''}`;
    const what = [...new Set(touches.map((x) => x.access))].join(' and ');
    const at = t.path.join('.') === field.join('.') ? '' : ` ${markdownCode(t.path.join('.'))}`;
    entries.push(`- ${markdownLink(label, target)} — ${markdownText(other.kind)}, ${what}${at}`);
  }
  const name = markdownCode(field.join('.'));
  const head = `**Field ${name}** — this rule ${access === 'writes' ? 'writes' : 'reads'} it.`;
  if (entries.length === 0) return `${head}\n\nNo other rule in the workspace touches this field.`;
  return `${head} ${entries.length} other rule${entries.length === 1 ? '' : 's'} touch${entries.length === 1 ? 'es' : ''} it:\n\n${entries.join('\n')}`;
}
