// One helper reports every conflict check: one finding per rule and check (at the policy's
// name), related information at each other rule's exact write/requirement, and the fixes.
import type { Fix, Related, Span } from '../../findings.ts';
import type { WorkspaceCheckContext } from '../types.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import type { SourceRef } from '../../model/types.ts';
import type { Conflict, ConflictSide } from '../../conflicts/index.ts';
import type { RuleRef } from '../../conflicts/facts.ts';

export type FixBuilder = (index: WorkspaceIndex, conflict: Conflict, side: ConflictSide) => Fix[];

/** Where a finding on a rule starts: the policy's name (one rule per CEL policy; legacy rules share it). */
export function anchorSpan(index: WorkspaceIndex, owner: RuleRef): Span {
  return index.spanOf({ ...owner.policy.source, path: ['metadata', 'name'] }, 'value');
}

/**
 * The span of a side: the YAML node, narrowed inside a CEL expression or a JSON patch string to
 * the written value (`runAsUser: 0` → `0`) or, failing that, to the field name.
 */
export function sideSpan(index: WorkspaceIndex, side: { at: SourceRef; needle?: string }): Span {
  const span = index.spanOf(side.at, 'value');
  const text = index.getFile(side.at.file)?.text;
  const last = side.at.path[side.at.path.length - 1];
  // Only text that embeds several fields (a CEL expression, a JSON patch string) is narrowed.
  if (!text || !side.needle || (last !== 'expression' && last !== 'patchesJson6902') || span.end - span.start <= side.needle.length + 8) return span;
  const inner = text.slice(span.start, span.end);
  const escaped = side.needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyed = new RegExp(`["']?\\b${escaped}\\b["']?\\s*:\\s*`).exec(inner);
  if (keyed) {
    const start = keyed.index + keyed[0].length;
    const rest = inner.slice(start);
    const end = start + (/^[^,}\n]*/.exec(rest)?.[0].trimEnd().length ?? 0);
    if (end > start) return { start: span.start + start, end: span.start + end };
  }
  const at = inner.search(new RegExp(`\\b${escaped}\\b`));
  if (at >= 0) {
    // A JSON patch: `path: /spec/x` then `value: v` — point at the value after the path.
    const after = /value\s*:\s*([^\n]*)/.exec(inner.slice(at));
    if (after && after.index < 200) {
      const start = at + after.index + after[0].length - after[1].length;
      const value = after[1].trimEnd().replace(/[\]},]+$/, '');
      return { start: span.start + start, end: span.start + start + value.length };
    }
    return { start: span.start + at, end: span.start + at + side.needle.length };
  }
  return span;
}

export function reportConflicts(ctx: WorkspaceCheckContext, check: string, fixes?: FixBuilder): void {
  const byOwner = new Map<string, { owner: RuleRef; items: { conflict: Conflict; side: ConflictSide }[] }>();
  for (const conflict of ctx.conflicts()) {
    if (conflict.check !== check) continue;
    for (const side of conflict.sides) {
      const entry = byOwner.get(side.owner.id) ?? { owner: side.owner, items: [] };
      if (!entry.items.some((i) => i.conflict === conflict)) entry.items.push({ conflict, side });
      byOwner.set(side.owner.id, entry);
    }
  }
  for (const { owner, items } of byOwner.values()) {
    items.sort((a, b) => (a.conflict.severity === b.conflict.severity ? 0 : a.conflict.severity === 'error' ? -1 : 1));
    const [first] = items;
    const related: Related[] = [];
    for (const { conflict, side } of items) {
      related.push({ file: side.at.file, span: sideSpan(ctx.index, side), message: `this rule: ${side.note}` });
      for (const other of [...conflict.sides, ...(conflict.context ?? [])]) {
        if (other.owner.id === owner.id) continue;
        related.push({ file: other.at.file, span: sideSpan(ctx.index, other), message: other.note });
      }
    }
    const more = items.length > 1 ? ` (and ${items.length - 1} more such conflict${items.length > 2 ? 's' : ''}: see related information)` : '';
    const message = first.conflict.message.replace(/\.$/, `${more}.`);
    const builtFixes = fixes ? items.flatMap(({ conflict, side }) => fixes(ctx.index, conflict, side)) : [];
    ctx.report({ file: owner.policy.source.file, span: anchorSpan(ctx.index, owner) }, message, {
      related,
      fixes: builtFixes.length ? builtFixes : undefined,
      severity: first.conflict.severity,
    });
  }
}
