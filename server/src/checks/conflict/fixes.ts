// Quick fixes of the conflict checks: pure functions of the index and a conflict, returning edits.
import type { Fix, TextEdit } from '../../findings.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import type { Conflict, ConflictSide } from '../../conflicts/index.ts';
import type { WriteFact } from '../../conflicts/facts.ts';
import { parseAnchor } from '../../engine/legacy/anchors.ts';
import { sideSpan } from './report.ts';
import { showValue } from '../../conflicts/describe.ts';
import { isScalar } from 'yaml';
import { nodeAt } from '../../yaml/paths.ts';
import { quotedLike } from '../cronjob/yamlEdits.ts';

/** `key:` → `+(key):` in a legacy strategic-merge patch; undefined when not mechanical. */
function guardEdit(index: WorkspaceIndex, write: WriteFact): TextEdit | undefined {
  if (write.guard === 'ifAbsent') return undefined;
  if (write.owner.policy.cls.family !== 'kyverno-legacy') return undefined;
  const src = write.source.path;
  const key = src[src.length - 1];
  if (typeof key !== 'string' || parseAnchor(key) || !src.includes('patchStrategicMerge')) return undefined;
  const span = index.spanOf(write.source, 'key');
  const text = index.getFile(write.source.file)?.text;
  if (!text || text.slice(span.start, span.end) !== key) return undefined;
  return { file: write.source.file, span, newText: `+(${key})` };
}

/** CEL reserved words cannot be selected with `.` (Kubernetes escapes them as `__name__`). */
const CEL_RESERVED = new Set(['in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while', 'true', 'false', 'null']);

/**
 * A CEL applyConfiguration that writes one field path, wrapped as
 * `!has(object.a.b) || !has(object.a.b.c) ? <original> : Object{}` (every level that may be
 * absent is tested, so `has()` never selects a missing parent); undefined when not mechanical
 * (JSONPatch, several fields, keys that are not CEL identifiers, a plain YAML scalar).
 */
function celGuardEdit(index: WorkspaceIndex, write: WriteFact): TextEdit | undefined {
  if (write.guard === 'ifAbsent') return undefined;
  if (write.owner.policy.cls.family === 'kyverno-legacy') return undefined;
  const src = write.source.path;
  if (src[src.length - 1] !== 'expression' || src[src.length - 2] !== 'applyConfiguration') return undefined;
  const key = src.join('\u0000');
  // A map literal (`labels: {"team": "a"}`) writes its leaves: the guard tests the leaf.
  const leaves = (path: string[], value: unknown): string[] =>
    value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length ? Object.entries(value).flatMap(([k, v]) => leaves([...path, k], v)) : [path.join('.')];
  const paths = new Set(write.owner.rule.effect.writes.filter((w) => w.source.path.join('\u0000') === key).flatMap((w) => leaves(w.path, w.value)));
  if (paths.size !== 1) return undefined;
  const path = [...paths][0].split('.');
  if (!path.every((seg) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) && !CEL_RESERVED.has(seg))) return undefined;
  const from = path[0] === 'metadata' || path[0] === 'spec' ? 1 : 0;
  const guard = path.slice(from).map((_, i) => `!has(object.${path.slice(0, from + i + 1).join('.')})`).join(' || ');
  const file = index.getFile(write.source.file);
  const node = file?.yaml?.documents[write.source.docIndex]?.doc && nodeAt(file.yaml.documents[write.source.docIndex].doc, src);
  if (!file || !isScalar(node) || !node.range) return undefined;
  const text = file.text;
  const [start, end] = [node.range[0], node.range[1]];
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    const inner = text.slice(start + 1, end).replace(/\s*['"]\s*$/, '');
    const close = start + 1 + inner.length;
    return { file: file.file, span: { start: start + 1, end: close }, newText: `${guard} ? (${inner}) : Object{}` };
  }
  if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') return undefined;
  const header = text.indexOf('\n', start);
  if (header < 0 || header >= end) return undefined;
  const body = text.slice(header + 1, end);
  const lead = /^(?:[ \t]*\n)*( *)/.exec(body)!;
  const contentStart = header + 1 + lead[0].length;
  const contentEnd = header + 1 + body.trimEnd().length;
  if (contentEnd <= contentStart) return undefined;
  const indent = lead[1];
  const lines = (indent + text.slice(contentStart, contentEnd)).split('\n').map((l) => (l.trim() ? `  ${l}` : l));
  return { file: file.file, span: { start: contentStart, end: contentEnd }, newText: `${guard} ? (\n${lines.join('\n')}\n${indent}) : Object{}` };
}

/** Guard every unguarded write of the conflict with add-if-absent: then no order can matter. */
export function addIfAbsentFix(index: WorkspaceIndex, conflict: Conflict): Fix[] {
  const writes = conflict.writes ?? [];
  const edits: TextEdit[] = [];
  const how = new Set<string>();
  for (const w of writes) {
    if (w.guard === 'ifAbsent') continue;
    const legacy = guardEdit(index, w);
    const edit = legacy ?? celGuardEdit(index, w);
    if (!edit) return [];
    how.add(legacy ? '+() anchor' : 'has() guard');
    // Autogen repeats a write per kind: one edit per source.
    if (!edits.some((e) => e.file === edit.file && e.span.start === edit.span.start)) edits.push(edit);
  }
  if (edits.length === 0) return [];
  const keys = writes.filter((w) => w.guard !== 'ifAbsent').map((w) => w.path[w.path.length - 1]);
  return [{ title: `Set ${[...new Set(keys)].join(', ')} only when absent (${[...how].join(' and ')}${edits.length > 1 ? ' on both rules' : ''})`, edits }];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Merge two overwriting legacy ClusterPolicies: move the other policy's (only) rule to the end of
 * this policy's rules, where it runs last, and delete the other document.
 */
export function mergePoliciesFix(index: WorkspaceIndex, conflict: Conflict, side: ConflictSide): Fix[] {
  const other = conflict.sides.find((s) => s.owner.id !== side.owner.id);
  if (!other) return [];
  const [a, b] = [side.owner, other.owner];
  if (a.policy.kind !== 'ClusterPolicy' || b.policy.kind !== 'ClusterPolicy' || a.policy === b.policy) return [];
  if (b.policy.rules.length !== 1 || a.policy.rules.some((r) => r.name === b.rule.name)) return [];
  const fileA = index.getFile(a.policy.source.file);
  const fileB = index.getFile(b.policy.source.file);
  const docB = fileB?.yaml?.documents[b.policy.source.docIndex];
  if (!fileA || !fileB || !docB) return [];
  const lastRule = a.policy.rules[a.policy.rules.length - 1];
  const lastSpan = index.spanOf(lastRule.source, 'value');
  const ruleSpan = index.spanOf(b.rule.source, 'value');
  // Re-indent the moved rule from its column to the column of the receiving list's items.
  const fromCol = ruleSpan.start - lineStart(fileB.text, ruleSpan.start);
  const toCol = lastSpan.start - lineStart(fileA.text, lastSpan.start);
  const lines = fileB.text.slice(ruleSpan.start, ruleSpan.end).replace(/\s+$/, '').split('\n');
  const moved = lines.map((line, i) => (i === 0 ? line : ' '.repeat(toCol) + line.slice(Math.min(fromCol, line.length - line.trimStart().length)))).join('\n');
  const insertAt = lastSpan.start + fileA.text.slice(lastSpan.start, lastSpan.end).replace(/\s+$/, '').length;
  const insert: TextEdit = { file: fileA.file, span: { start: insertAt, end: insertAt }, newText: `\n${' '.repeat(Math.max(0, toCol - 2))}- ${moved}` };
  // Delete the other document, with the `---` separator that introduces it when it has one.
  let start = docB.span.start;
  const before = fileB.text.slice(0, start);
  const sep = /(^|\n)---[^\n]*\n?$/.exec(before);
  if (sep) start = before.length - sep[0].length + sep[1].length;
  else if (b.policy.source.docIndex === 0) start = 0;
  let end = docB.span.end;
  if (!sep && b.policy.source.docIndex === 0) {
    // First document: take the separator that follows instead.
    const next = /^\s*---[^\n]*\n?/.exec(fileB.text.slice(end));
    if (next) end += next[0].length;
  }
  const remove: TextEdit = { file: fileB.file, span: { start, end }, newText: '' };
  return [{ title: `Merge ${b.policy.name} into ${a.policy.name} (its rule runs last, in a defined order)`, edits: fileA.file === fileB.file && start < insertAt ? [remove, insert] : [insert, remove] }];
}

/** A YAML string written as the scalar it replaces is (`'…'`, `"…"`, plain when that reads back the same). */
function yamlStringLike(value: string, current: string): string {
  const c = current.trim();
  return quotedLike(value, c.startsWith("'") ? 'QUOTE_SINGLE' : c.startsWith('"') ? 'QUOTE_DOUBLE' : 'PLAIN');
}

/** A CEL string literal with the quote of the literal it replaces, else the quote the text around it uses. */
function celStringLike(value: string, current: string, around: string): string {
  const c = current.trim();
  const double = c.startsWith('"') || (!c.startsWith("'") && (around.match(/"/g) ?? []).length > (around.match(/'/g) ?? []).length);
  return double ? JSON.stringify(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Mutation-rejected: write the value the validation demands instead. */
export function alignMutationFix(index: WorkspaceIndex, conflict: Conflict, side: ConflictSide): Fix[] {
  const write = conflict.writes?.[0];
  const wanted = conflict.requirement?.requirement.wanted;
  if (!write || !wanted || side.owner.id !== write.owner.id) return [];
  const legacy = write.owner.policy.cls.family === 'kyverno-legacy' && write.source.path.includes('patchStrategicMerge');
  const span = legacy ? index.spanOf(write.source, 'value') : sideSpan(index, { at: write.source, needle: write.path[write.path.length - 1] });
  const text = index.getFile(write.source.file)?.text ?? '';
  const current = text.slice(span.start, span.end);
  if (!legacy && !/^(['"][^'"]*['"]|-?\d+(\.\d+)?|true|false)$/.test(current.trim())) return [];
  const v = wanted.value;
  // In the quote style of the literal it replaces: one edit never mixes `"app": 'frontend'`.
  const newText = typeof v === 'string' ? (legacy ? yamlStringLike(v, current) : celStringLike(v, current, text.slice(Math.max(0, span.start - 200), span.end + 200))) : String(v);
  return [{ title: `Set ${write.path[write.path.length - 1]} to ${showValue(v)}, the value ${conflict.requirement!.owner.policy.name} requires`, edits: [{ file: write.source.file, span, newText }], isPreferred: true }];
}

/** Mutation-rejected: accept the mutation's value in a legacy pattern leaf that demands one value. */
export function alignValidationFix(index: WorkspaceIndex, conflict: Conflict, side: ConflictSide): Fix[] {
  const write = conflict.writes?.[0];
  const req = conflict.requirement;
  if (!write || !req || side.owner.id !== req.owner.id || !req.requirement.wanted) return [];
  const v = write.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return [];
  const title = `Require ${showValue(v)}, the value ${write.owner.policy.name} sets`;
  const source = req.requirement.source;
  if (req.owner.policy.cls.family === 'kyverno-legacy' && source.path.includes('pattern')) {
    const span = index.spanOf(source, 'value');
    const current = index.getFile(source.file)?.text.slice(span.start, span.end) ?? '';
    return [{ title, edits: [{ file: source.file, span, newText: typeof v === 'string' ? yamlStringLike(v, current) : String(v) }] }];
  }
  // CEL `object.x == 'frontend'`: replace the literal when it occurs exactly once in the expression.
  const wanted = req.requirement.wanted.value;
  if (typeof wanted !== 'string' || typeof v !== 'string' || /['"\\]/.test(v)) return [];
  const span = index.spanOf(source, 'value');
  const text = index.getFile(source.file)?.text.slice(span.start, span.end) ?? '';
  const hits = [...text.matchAll(new RegExp(`(['"])${wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1`, 'g'))];
  if (hits.length !== 1) return [];
  const at = span.start + hits[0].index! + 1;
  return [{ title, edits: [{ file: source.file, span: { start: at, end: at + wanted.length }, newText: v }] }];
}
