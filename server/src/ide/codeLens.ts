// Lenses above each rule, as plain data: "N conflicts" (the cross-policy conflicts the rule takes
// part in, from workspaceConflicts; listed only when N > 0, since conflicts are computed once per index
// revision for the diagnostics anyway) and "M other rules touch spec.x, metadata.labels.y" (other
// rules that can match one of the same kinds and write or read a field this rule writes or reads;
// counted on resolve, because only the lenses on screen are resolved).
import type { FileId, Span } from '../findings.ts';
import type { Policy, Rule } from '../model/types.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { spanInDocument } from '../yaml/parse.ts';
import type { Conflict } from '../conflicts/index.ts';
import { workspaceConflicts } from '../checks/conflicts.ts';
import { ruleId } from '../conflicts/facts.ts';
import { hasImpactLens, resolveImpactLens, type ImpactAnswer } from './impactLens.ts';

/** What a lens needs to be resolved later: the rule it sits on. */
export interface LensTarget {
  file: FileId;
  docIndex: number;
  path: (string | number)[];
  /** 'conflicts': the "N conflicts" part; 'impact': what the policy would deny (on its name, `path` empty); absent: the "M rules touch these fields" part. */
  part?: 'conflicts' | 'impact';
}

export interface LensSpot {
  /** Offset of the rule's name (the policy's name for a CEL policy): the lens goes on its line. */
  offset: number;
  target: LensTarget;
}

export type ResolvedLens =
  | { kind: 'stale'; title: string }
  | { kind: 'conflicts'; title: string; count: number }
  | { kind: 'rules'; title: string; rules: { file: FileId; span: Span }[] }
  | ImpactAnswer;

/** How many conflicts each rule takes part in (as a side or as context), by rule id. */
export function conflictCounts(conflicts: readonly Conflict[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of conflicts) {
    for (const id of new Set([...c.sides, ...(c.context ?? [])].map((s) => s.owner.id))) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export function conflictsTitle(n: number): string {
  return `${n} conflict${n === 1 ? '' : 's'}`;
}

/** Lens spots of a file: with the index, a "N conflicts" spot before the field spot of each rule in conflicts. */
export function lensSpots(file: IndexedFile, index?: WorkspaceIndex): LensSpot[] {
  const spots: LensSpot[] = [];
  const counts = index ? conflictCounts(workspaceConflicts(index)) : new Map<string, number>();
  for (const document of file.documents) {
    if (index && hasImpactLens(document, index)) {
      spots.push({ offset: spanInDocument(file.yaml, document.yaml, ['metadata', 'name']).start, target: { file: file.file, docIndex: document.index, path: [], part: 'impact' } });
    }
    for (const rule of document.policy?.rules ?? []) {
      const conflicts = counts.get(ruleId(rule)) ?? 0;
      const touches = fieldsOf(rule).size > 0;
      if (!touches && conflicts === 0) continue;
      const offset = spanInDocument(file.yaml, document.yaml, nameRef(rule).path).start;
      const target: LensTarget = { file: file.file, docIndex: document.index, path: rule.source.path };
      if (conflicts > 0) spots.push({ offset, target: { ...target, part: 'conflicts' } });
      if (touches) spots.push({ offset, target });
    }
  }
  return spots;
}

export function resolveLens(index: WorkspaceIndex, target: LensTarget): ResolvedLens {
  if (target.part === 'impact') {
    const policy = index.getFile(target.file)?.documents[target.docIndex]?.policy;
    return policy ? resolveImpactLens(index, policy) : { kind: 'stale', title: 'policy changed; save to recount' };
  }
  const found = findRule(index, target);
  if (!found) return { kind: 'stale', title: 'rule changed; save to recount' };
  if (target.part === 'conflicts') {
    const count = conflictCounts(workspaceConflicts(index)).get(ruleId(found.rule)) ?? 0;
    return { kind: 'conflicts', title: count ? conflictsTitle(count) : 'no conflicts', count };
  }
  const others = touchingRules(index, found.rule);
  if (others.length === 0) return { kind: 'rules', title: 'no other rule touches its fields', rules: [] };
  // Name the fields (the first two, then how many more): "touch these fields" said nothing.
  const shared = sharedFields(fieldsOf(found.rule), others.map(({ rule }) => fieldsOf(rule)));
  const named = shared.slice(0, 2).join(', ') + (shared.length > 2 ? ` and ${shared.length - 2} more` : '');
  const title = `${others.length} other rule${others.length === 1 ? '' : 's'} touch${others.length === 1 ? 'es' : ''} ${named}`;
  // The peek lists each rule by its name line, not by the whole rule (or a CEL policy's whole spec).
  return { kind: 'rules', title, rules: others.map(({ rule }) => ({ file: rule.source.file, span: index.spanOf(nameRef(rule)) })) };
}

/** Where a rule's name is written: its `name`, or the policy's for a CEL policy (whose rule is its spec). */
function nameRef(rule: Rule) {
  return { ...rule.source, path: rule.source.path.length > 1 ? [...rule.source.path, 'name'] : ['metadata', 'name'] };
}

/** This rule's fields that another rule also touches, shortest first (`[*]` for list elements). */
function sharedFields(mine: Set<string>, others: Set<string>[]): string[] {
  const shared = new Set<string>();
  for (const field of mine) {
    for (const other of others) {
      if ([...other].some((y) => field === y || field.startsWith(y + '.') || y.startsWith(field + '.'))) shared.add(field.replace(/\.\*(?=\.|$)/g, '[*]'));
    }
  }
  return [...shared].sort((a, b) => a.length - b.length || a.localeCompare(b));
}

function findRule(index: WorkspaceIndex, target: LensTarget): { policy: Policy; rule: Rule } | undefined {
  const file = index.getFile(target.file);
  const policy = file?.documents[target.docIndex]?.policy;
  const rule = policy?.rules.find((r) => r.source.path.join('/') === target.path.join('/'));
  return policy && rule ? { policy, rule } : undefined;
}

/** Field paths a rule writes or reads ('*' for list elements). */
function fieldsOf(rule: Rule): Set<string> {
  return new Set([...rule.effect.writes, ...rule.effect.reads].map((f) => f.path.join('.')));
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) for (const y of b) if (x === y || x.startsWith(y + '.') || y.startsWith(x + '.')) return true;
  return false;
}

/** Other rules that can match one of this rule's kinds and touch one of its fields. */
export function touchingRules(index: WorkspaceIndex, rule: Rule): { policy: Policy; rule: Rule }[] {
  const mine = fieldsOf(rule);
  const seen = new Set<Rule>([rule]);
  const out: { policy: Policy; rule: Rule }[] = [];
  const kinds = rule.match.kinds.length ? rule.match.kinds : index.kindsWithRules();
  for (const kind of kinds) {
    for (const candidate of kind === '*' ? index.kindsWithRules().flatMap((k) => index.rulesForKind(k)) : index.rulesForKind(kind)) {
      if (seen.has(candidate.rule)) continue;
      seen.add(candidate.rule);
      if (overlaps(mine, fieldsOf(candidate.rule))) out.push(candidate);
    }
  }
  return out;
}
