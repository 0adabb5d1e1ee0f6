import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix, Related, TextEdit } from '../../findings.ts';
import type { Policy } from '../../model/types.ts';
import { asObj, isObj } from '../../k8s/objects.ts';
import { autogenSkip, isPodRule, matchedKinds, requestedControllers, type AutogenSkip } from '../../model/autogen.ts';
import { celAutogenSkip, CEL_AUTOGEN_CONTROLLERS, type CelAutogenSkipReason } from '../../model/celAutogen.ts';
import { blockYaml, insertFields, styleOf } from '../cronjob/yamlEdits.ts';
import { nodeAt } from '../../yaml/paths.ts';
import { optOutFix } from './autogenFixes.ts';
import { isMap, isScalar, isSeq, type Pair, type Node as YamlNode, type YAMLMap } from 'yaml';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

// ReplicaSets and ReplicationControllers are left out: Kyverno's default resource filters skip
// them, and a Deployment's ReplicaSet is what the Deployment rule already covers.
const CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

function list(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function legacyCause(skip: AutogenSkip, rules: unknown[]): string {
  const rule = asObj(rules[skip.rule]);
  const name = `rule "${String(rule?.name ?? skip.rule)}"`;
  const block = skip.path[3];
  switch (skip.reason) {
    case 'generate': return `${name} is a generate rule`;
    case 'patchesJson6902': return `${name} mutates with patchesJson6902`;
    case 'kinds': return `${name} matches Pod together with other kinds in one ${block} filter`;
    default: return `${name} filters by \`${skip.reason}\` in ${block}`;
  }
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
function moveToPreconditionFix(ctx: DocumentCheckContext, policyPath: Path, skip: AutogenSkip, rule: Obj): Fix | undefined {
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
function splitKindsFix(ctx: DocumentCheckContext, policy: Policy, skip: AutogenSkip, rules: unknown[]): Fix | undefined {
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

/** A rule written for Pods themselves that a controller copy would carry: not a generate rule, not only a Pod subresource (Pod/exec). */
function affected(rule: Obj): boolean {
  if (rule.generate !== undefined || !isPodRule(rule)) return false;
  const match = asObj(rule.match) ?? {};
  const filters = [match.resources, ...(Array.isArray(match.any) ? match.any : []), ...(Array.isArray(match.all) ? match.all : [])].map((f) => (f === match.resources ? asObj(f) : asObj(asObj(f)?.resources)));
  return filters.some((rd) => Array.isArray(rd?.kinds) && rd.kinds.some((k) => typeof k === 'string' && (k === 'Pod' || /\/Pod$/.test(k))));
}

function checkLegacy(ctx: DocumentCheckContext, policy: Policy): void {
  const raw = policy.raw;
  const requested = requestedControllers(raw);
  if (requested === 'none') return;
  const skip = autogenSkip(raw);
  if (!skip) return;
  const rules = Array.isArray(asObj(raw.spec)?.rules) ? (asObj(raw.spec)!.rules as unknown[]) : [];
  const podRules = rules.map((r, i) => ({ r: asObj(r), i })).filter((x): x is { r: Obj; i: number } => !!x.r && affected(x.r));
  if (podRules.length === 0) return;
  // Controllers a rule of the policy matches by name are covered on purpose (Pod, Deployment, ...).
  const covered = new Set(rules.flatMap((r) => (isObj(r) ? matchedKinds(r) : [])));
  if (covered.has('*')) return;
  const wanted = requested === undefined ? CONTROLLERS : CONTROLLERS.filter((c) => requested.split(',').map((s) => s.trim()).includes(c));
  const missed = wanted.filter((c) => !covered.has(c));
  if (missed.length === 0) return;
  const policyPath = policy.source.path;
  const byIndex = new Map(policy.rules.map((r) => [r.source.path[r.source.path.length - 1], r]));
  const modelled = podRules.map(({ i }) => byIndex.get(i));
  const enforced = modelled.some((r) => r?.phase === 'validate' && r.enforcement === 'Enforce');
  const mutating = modelled.every((r) => r?.phase === 'mutate');
  const names = podRules.map(({ r, i }) => `"${String(r.name ?? i)}"`);
  const message = `Kyverno generates no controller rules for this policy because ${legacyCause(skip, rules)}: `
    + `Pod rule${names.length > 1 ? 's' : ''} ${names.join(', ')} never ${names.length > 1 ? 'apply' : 'applies'} to ${list(missed)} objects, only to the Pods they create. `
    + (enforced
      ? 'With Enforce the controllers are admitted and their Pods are rejected when the controller creates them: the rollout hangs with only an event.'
      : mutating ? 'Mutations reach the Pods at creation only, never the controllers\' templates.' : 'Violations surface only when a controller creates Pods, never on the object a user applies.');
  const related: Related[] = podRules.map(({ r, i }) => ({
    file: ctx.file.file,
    span: ctx.spanOf([...policyPath, 'spec', 'rules', i, ...(r.name !== undefined ? ['name'] : [])], 'value'),
    message: 'Pod rule without autogen-* copies for controllers',
  }));
  const fixes = (): Fix[] => {
    const out: Fix[] = [];
    const move = asObj(rules[skip.rule]) && moveToPreconditionFix(ctx, policyPath, skip, asObj(rules[skip.rule])!);
    if (move) out.push(move);
    if (skip.reason === 'kinds') {
      const split = splitKindsFix(ctx, policy, skip, rules);
      if (split) out.push(split);
    }
    const optOut = optOutFix(ctx, policyPath, false);
    if (optOut) out.push(optOut);
    return out;
  };
  // Pods are still mutated when created: losing the template copy matters less than a check.
  ctx.report({ file: ctx.file.file, span: ctx.spanOf([...policyPath, ...skip.path], 'key') }, message, { related, fixes, ...(mutating ? { severity: 'info' as const } : {}) });
}

// A namespaceSelector disables CEL autogen in some Kyverno releases and not in others
// (pkg/cel/autogen/support.go): not reported, the policy may well cover its controllers.
const CEL_REPORTED: ReadonlySet<CelAutogenSkipReason> = new Set(['objectSelector', 'excludeResourceRules', 'resourceNames', 'resources']);
const CEL_CAUSE: Record<CelAutogenSkipReason, string> = {
  namespaceSelector: 'matchConstraints has a namespaceSelector',
  objectSelector: 'matchConstraints has an objectSelector',
  excludeResourceRules: 'matchConstraints has excludeResourceRules',
  resourceNames: 'a resource rule filters by resourceNames',
  resources: 'a resource rule names other resources besides pods',
};

function isPodsOnly(mc: Obj | undefined): boolean {
  const rules = Array.isArray(mc?.resourceRules) ? mc.resourceRules : [];
  return rules.every((r) => Array.isArray(asObj(r)?.resources) && (asObj(r)!.resources as unknown[]).every((x) => x === 'pods' || x === 'pods/ephemeralcontainers'));
}

function checkCel(ctx: DocumentCheckContext, policy: Policy): void {
  if (!['ValidatingPolicy', 'NamespacedValidatingPolicy', 'MutatingPolicy', 'NamespacedMutatingPolicy'].includes(policy.kind)) return;
  const spec = asObj(policy.raw.spec) ?? {};
  const configured = asObj(asObj(spec.autogen)?.podControllers)?.controllers;
  if (Array.isArray(configured) && configured.length === 0) return;
  const skip = celAutogenSkip(spec.matchConstraints);
  if (!skip || !CEL_REPORTED.has(skip.reason)) return;
  // Later releases accept pods/ephemeralcontainers beside pods: not reported either.
  if (skip.reason === 'resources' && isPodsOnly(asObj(spec.matchConstraints))) return;
  const chosen = Array.isArray(configured) ? configured.map(String) : Object.keys(CEL_AUTOGEN_CONTROLLERS);
  const kinds = chosen.map((c) => CEL_AUTOGEN_CONTROLLERS[c]?.kind).filter((k): k is string => !!k && CONTROLLERS.includes(k));
  // Controllers the policy matches itself (pods and deployments in one rule) are covered on purpose.
  const rules = Array.isArray(asObj(spec.matchConstraints)?.resourceRules) ? (asObj(spec.matchConstraints)!.resourceRules as unknown[]) : [];
  const named = new Set(rules.flatMap((r) => (Array.isArray(asObj(r)?.resources) ? (asObj(r)!.resources as unknown[]).map(String) : [])));
  if (named.has('*')) return;
  const missed = kinds.filter((k) => !Object.entries(CEL_AUTOGEN_CONTROLLERS).some(([plural, c]) => c.kind === k && named.has(plural)));
  if (missed.length === 0) return;
  const validating = policy.kind.includes('Validating');
  const denies = validating && Array.isArray(spec.validationActions) && spec.validationActions.includes('Deny');
  const message = `Kyverno generates no controller variants for this policy because ${CEL_CAUSE[skip.reason]}: it never applies to ${list(missed)} objects, only to the Pods they create. `
    + (denies
      ? 'With Deny the controllers are admitted and their Pods are rejected when the controller creates them: the rollout hangs with only an event.'
      : validating ? 'Violations surface only when a controller creates Pods, never on the object a user applies.' : 'Mutations reach the Pods at creation only, never the controllers\' templates.');
  const policyPath = policy.source.path;
  const fixes = (): Fix[] => {
    const optOut = optOutFix(ctx, policyPath, true);
    return optOut ? [optOut] : [];
  };
  ctx.report({ file: ctx.file.file, span: ctx.spanOf([...policyPath, 'spec', 'matchConstraints', ...skip.path], 'key') }, message, { fixes, ...(validating ? {} : { severity: 'info' as const }) });
}

/** A Pod rule for which Kyverno silently generates no rules for Pod controllers. */
export const autogenSkippedCheck: Check = {
  id: 'safety/autogen-skipped',
  title: 'Autogen is skipped: a Pod rule never applies to Deployments, StatefulSets, Jobs or CronJobs',
  severity: 'warning',
  checkDocument(ctx) {
    const policy = ctx.document.policy;
    if (!policy) return;
    if (policy.cls.family === 'kyverno-legacy' && (policy.kind === 'ClusterPolicy' || policy.kind === 'Policy')) checkLegacy(ctx, policy);
    else if (policy.cls.family === 'kyverno-cel') checkCel(ctx, policy);
  },
};
