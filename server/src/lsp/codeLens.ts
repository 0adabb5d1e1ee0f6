// Lenses above each rule: "N conflicts · M rules touch these fields" as two lenses on one line (so
// each part has its own click; VS Code draws the separator between them): "N conflicts" (the
// cross-policy conflicts the rule takes part in, from conflictsOf; clicking it opens the conflict
// view) and "M rules touch these fields" (other rules
// that write or read the fields this rule writes or reads, for rules that can match the same kinds;
// clicking it peeks them). The conflicts lens is listed only when N > 0 (conflicts are computed once
// per index revision for the diagnostics anyway); the field count is computed on resolve.
import type { CodeLens, Location } from 'vscode-languageserver';
import type { FileId } from '../findings.ts';
import type { Policy, Rule } from '../model/types.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { spanOf } from '../yaml/paths.ts';
import { toRange } from './convert.ts';
import { conflictsOf, type Conflict } from '../conflicts/index.ts';
import { ruleId } from '../conflicts/facts.ts';

/** The client command that shows the rules (VS Code: the references peek). */
export const SHOW_RULES_COMMAND = 'kyverno.showRules';
/** The client command that opens the workspace conflict view. */
export const SHOW_CONFLICTS_COMMAND = 'kyverno.showConflicts';

interface LensData {
  file: FileId;
  docIndex: number;
  path: (string | number)[];
  /** 'conflicts': the "N conflicts" part; absent: the "M rules touch these fields" part. */
  part?: 'conflicts';
}

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

/** Lenses of a file: with the index, a "N conflicts" lens before the field lens of each rule in conflicts. */
export function codeLenses(file: IndexedFile, index?: WorkspaceIndex): CodeLens[] {
  const lenses: CodeLens[] = [];
  const counts = index ? conflictCounts(conflictsOf(index)) : new Map<string, number>();
  for (const document of file.documents) {
    for (const rule of document.policy?.rules ?? []) {
      const conflicts = counts.get(ruleId(rule)) ?? 0;
      if (fieldsOf(rule).size === 0 && conflicts === 0) continue;
      const span = spanOf(document.yaml.doc, rule.source.path.length > 1 ? [...rule.source.path, 'name'] : ['metadata', 'name']);
      const start = file.lines.positionAt(span.start);
      const data: LensData = { file: file.file, docIndex: document.index, path: rule.source.path };
      const range = { start, end: start };
      if (conflicts > 0) lenses.push({ range, data: { ...data, part: 'conflicts' } });
      if (fieldsOf(rule).size > 0) lenses.push({ range, data });
    }
  }
  return lenses;
}

export function resolveCodeLens(lens: CodeLens, index: WorkspaceIndex, uriOf: (file: FileId) => string, linesOf: (file: FileId) => LineIndex | undefined): CodeLens {
  const data = lens.data as LensData;
  const found = findRule(index, data);
  if (!found) return { ...lens, command: { title: 'rule changed; save to recount', command: '' } };
  if (data.part === 'conflicts') {
    const n = conflictCounts(conflictsOf(index)).get(ruleId(found.rule)) ?? 0;
    return { ...lens, command: { title: n ? conflictsTitle(n) : 'no conflicts', command: n ? SHOW_CONFLICTS_COMMAND : '', arguments: [uriOf(data.file), lens.range.start] } };
  }
  const others = touchingRules(index, found.rule);
  const locations: Location[] = [];
  for (const { rule } of others) {
    const lines = linesOf(rule.source.file);
    if (lines) locations.push({ uri: uriOf(rule.source.file), range: toRange(lines, index.spanOf(rule.source)) });
  }
  const title = others.length === 0 ? 'no other rule touches these fields' : `${others.length} rule${others.length === 1 ? '' : 's'} touch${others.length === 1 ? 'es' : ''} these fields`;
  return { ...lens, command: { title, command: others.length ? SHOW_RULES_COMMAND : '', arguments: [uriOf(data.file), lens.range.start, locations] } };
}

function findRule(index: WorkspaceIndex, data: LensData): { policy: Policy; rule: Rule } | undefined {
  const file = index.getFile(data.file);
  const policy = file?.documents[data.docIndex]?.policy;
  const rule = policy?.rules.find((r) => r.source.path.join('/') === data.path.join('/'));
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
