// Code actions of the autogen checks: the explicit opt-out of autogen, which keeps the rules
// Pod-only on purpose and says so (legacy: the autogen-controllers annotation; CEL policies: an
// empty spec.autogen.podControllers.controllers), and the two rewrites after which Kyverno does
// generate the controller rules (a filter moved into a precondition, a Pod + other kinds filter split).
import { isMap, isScalar, isSeq, type Pair, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { Fix, TextEdit } from '../../findings.ts';
import type { DocumentCheckContext } from '../types.ts';
import type { Policy } from '../../model/types.ts';
import { asObj, isObj } from '../../k8s/objects.ts';
import { AUTOGEN_ANNOTATION, autogenSkip, type AutogenSkip } from '../../model/autogen.ts';
import { blockYaml, insertFields, replaceScalar, styleOf } from '../cronjob/yamlEdits.ts';
import { nodeAt } from '../../yaml/paths.ts';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

export function optOutFix(ctx: DocumentCheckContext, policyPath: (string | number)[], cel: boolean): Fix | undefined {
  const { file, document } = ctx;
  const doc = document.yaml.doc;
  if (cel) {
    const at = [...policyPath, 'spec', 'autogen', 'podControllers'];
    if (nodeAt(doc, [...at, 'controllers']) !== undefined) return undefined;
    const edit = insertFields(file.file, doc, file.text, at, { controllers: [] });
    return edit && { title: 'Keep the policy Pod-only on purpose (spec.autogen.podControllers.controllers: [])', edits: [edit] };
  }
  const annotations = [...policyPath, 'metadata', 'annotations'];
  const edit = nodeAt(doc, [...annotations, AUTOGEN_ANNOTATION]) !== undefined
    ? replaceScalar(file.file, doc, [...annotations, AUTOGEN_ANNOTATION], 'none')
    : insertFields(file.file, doc, file.text, annotations, { [AUTOGEN_ANNOTATION]: 'none' });
  return edit && { title: `Keep the policy Pod-only on purpose (${AUTOGEN_ANNOTATION}: none)`, edits: [edit] };
}

/** A precondition that says what a label selector or annotation filter of a match block said, or undefined when it cannot say it exactly. */
function conditionsFor(reason: string, value: unknown): Obj[] | undefined {
  const plain = (s: unknown): s is string => typeof s === 'string' && !/[*?"\\]/.test(s);
  let field: string;
  let pairs: [string, unknown][];
  if (reason === 'selector') {
    const sel = asObj(value);
    if (!sel || Object.keys(sel).some((k) => k !== 'matchLabels')) return undefined;
    field = 'labels';
    pairs = Object.entries(asObj(sel.matchLabels) ?? {});
  } else if (reason === 'annotations') {
    field = 'annotations';
    pairs = Object.entries(asObj(value) ?? {});
  } else return undefined;
  if (pairs.length === 0 || pairs.some(([k, v]) => !plain(k) || !plain(v))) return undefined;
  return pairs.map(([k, v]) => ({ key: `{{ request.object.metadata.${field}."${k}" || '' }}`, operator: 'Equals', value: v }));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Deletes a block mapping entry with its whole lines. */
function deleteEntry(ctx: DocumentCheckContext, parentPath: Path, key: string): TextEdit | undefined {
  const parent = nodeAt(ctx.document.yaml.doc, parentPath);
  if (!isMap(parent) || parent.flow) return undefined;
  const pair = (parent as YAMLMap).items.find((p) => String((p.key as { value?: unknown })?.value) === key) as Pair<YamlNode, YamlNode> | undefined;
  const keyStart = pair?.key?.range?.[0];
  const valueEnd = pair?.value?.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) return undefined;
  const text = ctx.file.text;
  const start = lineStart(text, keyStart);
  if (text.slice(start, keyStart).trim() !== '') return undefined;
  let end = valueEnd;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const newline = text.indexOf('\n', end);
  return { file: ctx.file.file, span: { start, end: newline < 0 ? text.length : newline + 1 }, newText: '' };
}

/** Moves a match selector/annotations filter into the rule's preconditions, which autogen translates to the Pod template. */
export function moveToPreconditionFix(ctx: DocumentCheckContext, policyPath: Path, skip: AutogenSkip, rule: Obj): Fix | undefined {
  const block = skip.path[3];
  if (block !== 'match' || rule.preconditions !== undefined || rule.celPreconditions !== undefined) return undefined;
  const match = asObj(rule.match) ?? {};
  const count = (isObj(match.resources) ? 1 : 0) + (Array.isArray(match.any) ? match.any.length : 0) + (Array.isArray(match.all) ? match.all.length : 0);
  if (count !== 1) return undefined;
  const fieldPath = skip.path.slice(4);
  const value = fieldPath.reduce<unknown>((v, k) => (isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined), match);
  const all = conditionsFor(skip.reason, value);
  if (!all) return undefined;
  const rulePath = [...policyPath, ...skip.path.slice(0, 3)];
  const removal = deleteEntry(ctx, [...policyPath, ...skip.path.slice(0, -1)], String(skip.path[skip.path.length - 1]));
  const insertion = insertFields(ctx.file.file, ctx.document.yaml.doc, ctx.file.text, rulePath, { preconditions: { all } });
  if (!removal || !insertion || (insertion.span.start < removal.span.end && insertion.span.start >= removal.span.start)) return undefined;
  return { title: `Move \`${skip.reason}\` into a precondition (autogen translates it to the Pod template)`, edits: [removal, insertion], isPreferred: true };
}

const isBarePod = (k: unknown) => typeof k === 'string' && (k === 'Pod' || k.endsWith('/Pod'));

/** The lines of the items of a block sequence that are not kept, or the flow sequence rewritten. */
function keepItems(ctx: DocumentCheckContext, path: Path, keep: (v: unknown) => boolean): TextEdit[] | undefined {
  const node = nodeAt(ctx.document.yaml.doc, path);
  if (!isSeq(node) || !node.range) return undefined;
  const text = ctx.file.text;
  if (node.flow) {
    const kept = node.items.filter((i) => isScalar(i) && keep(i.value)).map((i) => (isScalar(i) && i.range ? text.slice(i.range[0], i.range[1]) : ''));
    return [{ file: ctx.file.file, span: { start: node.range[0], end: node.range[1] }, newText: `[${kept.join(', ')}]` }];
  }
  const edits: TextEdit[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || !item.range) return undefined;
    if (keep(item.value)) continue;
    const start = lineStart(text, item.range[0]);
    if (!/^\s*-\s*$/.test(text.slice(start, item.range[0]))) return undefined;
    const newline = text.indexOf('\n', item.range[1]);
    if (text.slice(item.range[1], newline < 0 ? text.length : newline).trim().replace(/^#.*/, '') !== '') return undefined;
    edits.push({ file: ctx.file.file, span: { start, end: newline < 0 ? text.length : newline + 1 }, newText: '' });
  }
  return edits;
}

/** Splits a filter naming Pod with other kinds: Pod stays, a copy of the rule takes the other kinds (offered when autogen then applies). */
export function splitKindsFix(ctx: DocumentCheckContext, policy: Policy, skip: AutogenSkip, rules: unknown[]): Fix | undefined {
  const rule = asObj(rules[skip.rule]);
  const kinds = skip.path.slice(3).reduce<unknown>((v, k) => (isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined), rule);
  if (!rule || !Array.isArray(kinds) || typeof rule.name !== 'string') return undefined;
  const others = kinds.filter((k) => !isBarePod(k));
  if (others.length === 0 || others.length === kinds.length) return undefined;
  const names = new Set(rules.map((r) => asObj(r)?.name));
  const name = `${rule.name.slice(0, 51)}-other-kinds`;
  if (names.has(name)) return undefined;
  const setKinds = (r: Obj, value: unknown[]): Obj => {
    const out = JSON.parse(JSON.stringify(r)) as Obj;
    const parent = skip.path.slice(3, -1).reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], out) as Obj;
    parent.kinds = value;
    return out;
  };
  const copy = { ...setKinds(rule, others), name };
  const after = JSON.parse(JSON.stringify(policy.raw)) as Obj;
  const afterRules = (after.spec as Obj).rules as unknown[];
  afterRules[skip.rule] = setKinds(rule, kinds.filter(isBarePod));
  afterRules.splice(skip.rule + 1, 0, copy);
  if (autogenSkip(after)) return undefined;
  const doc = ctx.document.yaml.doc;
  const kept = keepItems(ctx, [...policy.source.path, ...skip.path], isBarePod);
  const seq = nodeAt(doc, [...policy.source.path, 'spec', 'rules']);
  const item = isSeq(seq) && !seq.flow ? (seq.items[skip.rule] as YamlNode | undefined) : undefined;
  if (!kept || !item?.range) return undefined;
  const text = ctx.file.text;
  const dash = text.slice(lineStart(text, item.range[0]), item.range[0]);
  if (!/^\s*-\s+$/.test(dash)) return undefined;
  const column = dash.indexOf('-');
  let end = item.range[1];
  while (end > item.range[0] && /\s/.test(text[end - 1]!)) end--;
  const newline = text.indexOf('\n', end);
  const at = newline < 0 ? text.length : newline;
  const body = blockYaml(copy, column + 2, styleOf(text)).slice(column + 2);
  const insertion: TextEdit = { file: ctx.file.file, span: { start: at, end: at }, newText: `\n${' '.repeat(column)}- ${body}` };
  return { title: `Split the rule: Pod alone here, ${others.join(', ')} in a copy named ${name} (autogen then applies)`, edits: [...kept, insertion] };
}
