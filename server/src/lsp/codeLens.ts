// A lens above each rule: how many other rules write or read the fields this rule writes or reads
// (for rules that can match the same kinds). Lenses are listed cheaply and counted on resolve.
import type { CodeLens, Location } from 'vscode-languageserver';
import type { FileId } from '../findings.ts';
import type { Policy, Rule } from '../model/types.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { spanOf } from '../yaml/paths.ts';
import { toRange } from './convert.ts';

/** The client command that shows the rules (VS Code: the references peek). */
export const SHOW_RULES_COMMAND = 'kyverno.showRules';

interface LensData {
  file: FileId;
  docIndex: number;
  path: (string | number)[];
}

export function codeLenses(file: IndexedFile): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const document of file.documents) {
    for (const rule of document.policy?.rules ?? []) {
      if (fieldsOf(rule).size === 0) continue;
      const span = spanOf(document.yaml.doc, rule.source.path.length > 1 ? [...rule.source.path, 'name'] : ['metadata', 'name']);
      const start = file.lines.positionAt(span.start);
      const data: LensData = { file: file.file, docIndex: document.index, path: rule.source.path };
      lenses.push({ range: { start, end: start }, data });
    }
  }
  return lenses;
}

export function resolveCodeLens(lens: CodeLens, index: WorkspaceIndex, uriOf: (file: FileId) => string, linesOf: (file: FileId) => LineIndex | undefined): CodeLens {
  const data = lens.data as LensData;
  const found = findRule(index, data);
  if (!found) return { ...lens, command: { title: 'rule changed; save to recount', command: '' } };
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
