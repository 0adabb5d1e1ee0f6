// Quick fix "exclude the namespace that makes matches overlap": when two conflicting rules meet
// only because one matches every namespace (or a wildcard) and the other names concrete
// namespaces, the broader rule excludes them. Legacy: an `exclude.any` entry; CEL/admission
// policies: a `matchConstraints.namespaceSelector` NotIn on `kubernetes.io/metadata.name`.
import { isMap, isScalar, isSeq, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { Fix, TextEdit } from '../../findings.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import type { Conflict, ConflictSide } from '../../conflicts/index.ts';
import type { RuleRef } from '../../conflicts/facts.ts';
import { overlapOf } from '../../conflicts/overlap.ts';
import { hasWildcard } from '../../engine/match/wildcard.ts';
import { nodeAt } from '../../yaml/paths.ts';
import { asObj } from '../../k8s/objects.ts';

const NAME_LABEL = 'kubernetes.io/metadata.name';

type Obj = Record<string, unknown>;

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const column = (text: string, offset: number): number => offset - lineStart(text, offset);
const flowList = (names: string[]): string => `[${names.map((n) => (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(n) ? n : JSON.stringify(n))).join(', ')}]`;

function pairOf(map: unknown, key: string): Pair<YamlNode, YamlNode> | undefined {
  if (!isMap(map)) return undefined;
  return (map.items as Pair<YamlNode, YamlNode>[]).find((p) => isScalar(p.key) && p.key.value === key);
}

const isBlock = (node: unknown): boolean => (isMap(node) || isSeq(node)) && !node.flow;

/**
 * The namespaces to exclude from `broad` so that it no longer meets `narrow`, or undefined when
 * the overlap does not come from a broad namespace match against concrete namespaces.
 */
export function namespacesToExclude(broad: RuleRef, narrow: RuleRef): string[] | undefined {
  if (broad.policy === narrow.policy) return undefined;
  const [a, b] = [broad.match, narrow.match];
  if (a.namespaces.length > 0 && !a.namespaces.every(hasWildcard)) return undefined;
  const names = b.namespaces;
  if (names.length === 0 || names.some((n) => hasWildcard(n) || n.startsWith('\u0000'))) return undefined;
  if (overlapOf(a, b).overlap === 'never') return undefined;
  // The fix must make the matches disjoint (the engine's match logic decides, as for the finding).
  if (overlapOf({ ...a, excludedNamespaces: [...a.excludedNamespaces, ...names] }, b).overlap !== 'never') return undefined;
  return names.filter((n) => !a.excludedNamespaces.includes(n));
}

export function excludeNamespacesFix(index: WorkspaceIndex, conflict: Conflict, side: ConflictSide): Fix[] {
  const others = [...new Map(conflict.sides.filter((s) => s.owner.id !== side.owner.id).map((s) => [s.owner.id, s.owner])).values()];
  if (others.length !== 1) return [];
  const [other] = others;
  const names = namespacesToExclude(side.owner, other);
  if (!names || names.length === 0) return [];
  const edit = side.owner.policy.cls.family === 'kyverno-legacy' ? legacyExclude(index, side.owner, names) : celExclude(index, side.owner, names);
  if (!edit) return [];
  const list = names.join(', ');
  return [{ title: `Exclude namespace${names.length > 1 ? 's' : ''} ${list} from ${side.owner.policy.name} (where ${other.policy.name} applies)`, edits: [edit] }];
}

function docOf(index: WorkspaceIndex, owner: RuleRef): { doc: Document.Parsed; text: string; file: string } | undefined {
  const file = index.getFile(owner.policy.source.file);
  const doc = file?.yaml?.documents[owner.policy.source.docIndex]?.doc;
  return file && doc ? { doc, text: file.text, file: file.file } : undefined;
}

/** Legacy rule: append `- resources: {namespaces: [...]}` to `exclude.any`, or add that `exclude` block. */
function legacyExclude(index: WorkspaceIndex, owner: RuleRef, names: string[]): TextEdit | undefined {
  const raw = owner.rule.raw;
  if (asObj(raw.mutate)?.targets) return undefined; // mutate-existing: the conflict is on the targets
  const found = docOf(index, owner);
  if (!found) return undefined;
  const { doc, text, file } = found;
  const rule = nodeAt(doc, owner.rule.source.path);
  if (!isMap(rule) || rule.flow) return undefined;
  const exclude = pairOf(rule, 'exclude');
  if (exclude) {
    const block = exclude.value;
    if (!isMap(block) || block.flow || Object.keys(asObj(raw.exclude) ?? {}).some((k) => k !== 'any')) return undefined;
    const any = pairOf(block, 'any')?.value;
    if (!isSeq(any) || any.flow || any.items.length === 0) return undefined;
    const first = any.items[0] as YamlNode;
    if (!first.range) return undefined;
    const at = lineStart(text, first.range[0]);
    const dash = /^( *)- +$/.exec(text.slice(at, first.range[0]));
    if (!dash) return undefined;
    const i = dash[1];
    return { file, span: { start: at, end: at }, newText: `${i}- resources:\n${i}    namespaces: ${flowList(names)}\n` };
  }
  // No exclude yet: insert it after `match` (before the next key), or before `match` when it is last.
  const pairs = rule.items as Pair<YamlNode, YamlNode>[];
  const m = pairs.findIndex((p) => isScalar(p.key) && p.key.value === 'match');
  if (m < 0) return undefined;
  const anchor = (pairs[m + 1] ?? pairs[m]).key;
  if (!anchor?.range) return undefined;
  const at = anchor.range[0];
  const i = ' '.repeat(column(text, at));
  return { file, span: { start: at, end: at }, newText: `exclude:\n${i}  any:\n${i}    - resources:\n${i}        namespaces: ${flowList(names)}\n${i}` };
}

/** CEL / admission policy: a NotIn expression on the namespace name in `matchConstraints.namespaceSelector`. */
function celExclude(index: WorkspaceIndex, owner: RuleRef, names: string[]): TextEdit | undefined {
  const found = docOf(index, owner);
  if (!found) return undefined;
  const { doc, text, file } = found;
  const constraints = nodeAt(doc, ['spec', 'matchConstraints']);
  if (!isMap(constraints) || constraints.flow) return undefined;
  const expression = (i: string) => `- key: ${NAME_LABEL}\n${i}  operator: NotIn\n${i}  values: ${flowList(names)}`;
  const selector = pairOf(constraints, 'namespaceSelector');
  if (!selector) {
    const pairs = constraints.items as Pair<YamlNode, YamlNode>[];
    const r = pairs.findIndex((p) => isScalar(p.key) && p.key.value === 'resourceRules');
    const anchor = (pairs[r + 1] ?? pairs[Math.max(r, 0)])?.key;
    if (!anchor?.range) return undefined;
    const at = anchor.range[0];
    const i = ' '.repeat(column(text, at));
    return { file, span: { start: at, end: at }, newText: `namespaceSelector:\n${i}  matchExpressions:\n${i}    ${expression(`${i}    `)}\n${i}` };
  }
  const sel = selector.value;
  if (isMap(sel) && sel.flow && sel.items.length === 0 && sel.range) {
    // `namespaceSelector: {}`
    return { file, span: { start: sel.range[0], end: sel.range[1] }, newText: `{matchExpressions: [{key: ${NAME_LABEL}, operator: NotIn, values: ${flowList(names)}}]}` };
  }
  if (!isMap(sel) || sel.flow) return undefined;
  const expressions = pairOf(sel, 'matchExpressions');
  if (!expressions) {
    const first = (sel.items[0] as Pair<YamlNode, YamlNode> | undefined)?.key;
    if (!first?.range) return undefined;
    const at = first.range[0];
    const i = ' '.repeat(column(text, at));
    return { file, span: { start: at, end: at }, newText: `matchExpressions:\n${i}  ${expression(`${i}  `)}\n${i}` };
  }
  const list = expressions.value;
  if (!isSeq(list)) return undefined;
  // Merge into an existing NotIn on the namespace name, when its values are a flow list.
  for (const item of list.items) {
    const key = pairOf(item, 'key')?.value;
    const op = pairOf(item, 'operator')?.value;
    const values = pairOf(item, 'values')?.value;
    if (isScalar(key) && key.value === NAME_LABEL && isScalar(op) && op.value === 'NotIn' && isSeq(values)) {
      if (!values.flow || !values.range) return undefined;
      const existing = values.items.map((v) => (isScalar(v) ? String(v.value) : undefined)).filter((v): v is string => v !== undefined);
      return { file, span: { start: values.range[0], end: values.range[1] }, newText: flowList([...existing, ...names.filter((n) => !existing.includes(n))]) };
    }
  }
  if (list.flow || list.items.length === 0) return undefined;
  const first = list.items[0] as YamlNode;
  if (!first.range) return undefined;
  const at = lineStart(text, first.range[0]);
  const dash = /^( *)- +$/.exec(text.slice(at, first.range[0]));
  if (!dash) return undefined;
  return { file, span: { start: at, end: at }, newText: `${dash[1]}${expression(`${dash[1]}`)}\n` };
}
