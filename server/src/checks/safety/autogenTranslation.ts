import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix, Span } from '../../findings.ts';
import type { Policy } from '../../model/types.ts';
import { asObj, isObj } from '../../k8s/objects.ts';
import { autogenNamesOf, autogenRules } from '../../model/autogen.ts';
import { celAutogenKinds } from '../../model/celAutogen.ts';
import { matchPattern } from '../../engine/legacy/pattern.ts';
import { parseAnchor } from '../../engine/legacy/anchors.ts';
import { optOutFix } from './autogenFixes.ts';

type Obj = Record<string, unknown>;
type Path = (string | number)[];

// Object metadata a Pod template never carries: the API server sets these on the object itself
// (the controller names its Pods, they live in its namespace, it owns them). A template's labels,
// annotations and finalizers are copied to the Pods and are read correctly after translation.
const ABSENT = ['name', 'generateName', 'namespace', 'uid', 'ownerReferences', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'resourceVersion', 'generation', 'managedFields', 'selfLink'];
const FIELD = `(${ABSENT.join('|')})(?![A-Za-z0-9_])`;
// Kyverno rewrites request.object.metadata textually (pkg/autogen/v1/rule.go, updateFields);
// `request."object".metadata` is the documented way to keep a reference on the controller.
const JMES_REF = new RegExp(`request\\.(object|oldObject)\\.metadata\\.${FIELD}`, 'g');
// CEL autogen leaves object.metadata.name and .namespace on the controller (pkg/cel/autogen/replacement.go).
const CEL_REF = new RegExp(`\\b(object|oldObject)\\.metadata\\.${FIELD}`, 'g');
const CEL_PROTECTED = new Set(['name', 'namespace']);
const MAIN_CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

function list(names: string[]): string {
  const plural = names.map((n) => `${n}s`);
  return plural.length <= 1 ? plural.join('') : `${plural.slice(0, -1).join(', ')} and ${plural[plural.length - 1]}`;
}

/** Every string of a value with its path (keys named `message` left out: a message only reads wrong). */
function strings(value: unknown, path: Path, out: { text: string; path: Path }[]): void {
  if (typeof value === 'string') out.push({ text: value, path });
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, [...path, i], out));
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) if (k !== 'message' && k !== 'name') strings(v, [...path, k], out);
}

/** The span of `needle` inside the scalar at `path` when the source spells it as written, else the scalar. */
function spanIn(ctx: DocumentCheckContext, path: Path, needle: string, nth: number): Span {
  const whole = ctx.spanOf(path, 'value');
  const source = ctx.file.text.slice(whole.start, whole.end);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = source.indexOf(needle, at + 1);
    if (at < 0) return whole;
  }
  return { start: whole.start + at, end: whole.start + at + needle.length };
}

/** Whether a rule holds anything this check reports on: a metadata field a template lacks, in a pattern or a reference. */
function mayReport(rule: Obj | undefined): boolean {
  if (!rule) return false;
  const validate = asObj(rule.validate);
  const patterns = [validate?.pattern, ...(Array.isArray(validate?.anyPattern) ? validate.anyPattern : [])];
  for (const pattern of patterns) {
    for (const [metaKey, meta] of Object.entries(asObj(pattern) ?? {})) {
      if ((parseAnchor(metaKey)?.key ?? metaKey) === 'metadata' && isObj(meta) && Object.keys(meta).some((k) => ABSENT.includes(parseAnchor(k)?.key ?? k))) return true;
    }
  }
  const found: { text: string; path: Path }[] = [];
  strings(rule, [], found);
  return found.some(({ text }) => text.search(JMES_REF) >= 0 || text.search(CEL_REF) >= 0);
}

function checkLegacy(ctx: DocumentCheckContext, policy: Policy): void {
  const rules = Array.isArray(asObj(policy.raw.spec)?.rules) ? (asObj(policy.raw.spec)!.rules as unknown[]) : [];
  // Autogen is the costly part (every rule rewritten for the controllers), and only tells which
  // rules it applies to: a policy with nothing to report on is left before it.
  if (!rules.some((raw) => mayReport(asObj(raw)))) return;
  const generated = new Set(autogenRules(policy.raw).map((r) => String(r.name)));
  if (generated.size === 0) return;
  const kinds = MAIN_CONTROLLERS.filter((k) => policy.autogenKinds.includes(k));
  const controllers = list(kinds.length ? kinds : policy.autogenKinds);
  const base = [...policy.source.path, 'spec', 'rules'];
  const byIndex = new Map(policy.rules.map((r) => [r.source.path[r.source.path.length - 1], r]));
  rules.forEach((raw, i) => {
    const rule = asObj(raw);
    if (!rule || !autogenNamesOf(String(rule.name)).some((n) => generated.has(n))) return;
    const enforced = byIndex.get(i)?.enforcement === 'Enforce';
    const validate = asObj(rule.validate);
    const patterns: { pattern: unknown; path: Path; alternative: boolean }[] = [];
    if (validate?.pattern !== undefined) patterns.push({ pattern: validate.pattern, path: [...base, i, 'validate', 'pattern'], alternative: false });
    if (Array.isArray(validate?.anyPattern)) validate.anyPattern.forEach((p, j) => patterns.push({ pattern: p, path: [...base, i, 'validate', 'anyPattern', j], alternative: true }));
    for (const { pattern, path, alternative } of patterns) metadataPatterns(ctx, policy, pattern, path, alternative, enforced, controllers);
    const found: { text: string; path: Path }[] = [];
    strings(rule, [...base, i], found);
    // A rule with validate.cel is rewritten with Kyverno's CEL list (object.metadata, nothing protected).
    const celRule = validate?.cel !== undefined;
    for (const { text, path } of found) (celRule ? legacyCelReferences : jmesReferences)(ctx, policy, text, path, controllers);
  });
}

function metadataPatterns(ctx: DocumentCheckContext, policy: Policy, pattern: unknown, path: Path, alternative: boolean, enforced: boolean, controllers: string): void {
  const p = asObj(pattern);
  if (!p) return;
  for (const [metaKey, meta] of Object.entries(p)) {
    if ((parseAnchor(metaKey)?.key ?? metaKey) !== 'metadata' || !isObj(meta)) continue;
    for (const [key, value] of Object.entries(meta)) {
      const field = parseAnchor(key)?.key ?? key;
      if (!ABSENT.includes(field)) continue;
      // What the translated pattern does on a template, decided by the engine's own pattern walk.
      const outcome = matchPattern({ metadata: {} }, { metadata: { [key]: value } });
      const effect = outcome.ok || outcome.skip
        ? `it always holds there, so ${controllers} are never checked for it (their Pods still are, when the controller creates them)`
        : alternative
          ? 'this alternative fails for every controller'
          : `it fails on every controller, so ${enforced ? 'Enforce denies all' : 'the policy reports all'} ${controllers}`;
      const message = `Autogen moves this check on Pod metadata.${field} to the Pod template (spec.template.metadata.${field}, CronJobs: spec.jobTemplate.spec.template.metadata.${field}), where ${field} is never set: ${effect}.`;
      ctx.report({ file: ctx.file.file, span: ctx.spanOf([...path, metaKey, key], 'key') }, message, { fixes: () => fixList(ctx, policy, false) });
    }
  }
}

function jmesReferences(ctx: DocumentCheckContext, policy: Policy, text: string, path: Path, controllers: string): void {
  const seen = new Map<string, number>();
  for (const m of text.matchAll(JMES_REF)) {
    const [ref, root, field] = m as unknown as [string, string, string];
    const nth = seen.get(ref) ?? 0;
    seen.set(ref, nth + 1);
    const span = spanIn(ctx, path, ref, nth);
    const message = `Autogen rewrites ${ref} to request.${root}.spec.template.metadata.${field} in the rules for ${controllers}: Pod templates never set ${field}, so there it reads null instead of the controller's ${field}.`;
    const fixes = (): Fix[] => {
      const out: Fix[] = [];
      const exact = span.end - span.start === ref.length;
      if (exact && field === 'namespace' && root === 'object') out.push({ title: 'Read request.namespace (the same for a Pod and its controller, and never rewritten)', edits: [{ file: ctx.file.file, span, newText: 'request.namespace' }], isPreferred: true });
      // Inside a double-quoted YAML scalar the JMESPath quotes are escaped.
      const q = ctx.file.text[ctx.spanOf(path, 'value').start] === '"' ? '\\"' : '"';
      if (exact) out.push({ title: `Keep the reference on the controller: request."${root}".metadata.${field} (not rewritten)`, edits: [{ file: ctx.file.file, span, newText: `request.${q}${root}${q}.metadata.${field}` }] });
      return [...out, ...fixList(ctx, policy, false)];
    };
    ctx.report({ file: ctx.file.file, span }, message, { fixes });
  }
}

function legacyCelReferences(ctx: DocumentCheckContext, policy: Policy, text: string, path: Path, controllers: string): void {
  const seen = new Map<string, number>();
  for (const m of text.matchAll(CEL_REF)) {
    const [ref, root, field] = m as unknown as [string, string, string];
    const nth = seen.get(ref) ?? 0;
    seen.set(ref, nth + 1);
    const span = spanIn(ctx, path, ref, nth);
    const message = `Autogen rewrites ${ref} to ${root}.spec.template.metadata.${field} in the rules for ${controllers}: Pod templates never set ${field}, so there it is absent instead of the controller's ${field}.`;
    const fixes = (): Fix[] => {
      const exact = span.end - span.start === ref.length;
      const own = exact && field === 'namespace' && root === 'object' && text.slice(m.index! - 8, m.index) !== 'request.';
      return [...(own ? [{ title: 'Read request.namespace (the same for a Pod and its controller, and never rewritten)', edits: [{ file: ctx.file.file, span, newText: 'request.namespace' }], isPreferred: true }] : []), ...fixList(ctx, policy, false)];
    };
    ctx.report({ file: ctx.file.file, span }, message, { fixes });
  }
}

function fixList(ctx: DocumentCheckContext, policy: Policy, cel: boolean): Fix[] {
  const optOut = optOutFix(ctx, policy.source.path, cel);
  return optOut ? [optOut] : [];
}

function checkCel(ctx: DocumentCheckContext, policy: Policy): void {
  if (policy.kind !== 'ValidatingPolicy' && policy.kind !== 'NamespacedValidatingPolicy') return;
  const spec = asObj(policy.raw.spec) ?? {};
  const kinds = celAutogenKinds(policy.kind, spec);
  if (kinds.length === 0) return;
  const controllers = list(MAIN_CONTROLLERS.filter((k) => kinds.includes(k)));
  const found: { text: string; path: Path }[] = [];
  for (const key of ['validations', 'matchConditions', 'variables', 'auditAnnotations']) strings(spec[key], [...policy.source.path, 'spec', key], found);
  for (const { text, path } of found) {
    const seen = new Map<string, number>();
    for (const m of text.matchAll(CEL_REF)) {
      const [ref, , field] = m as unknown as [string, string, string];
      if (CEL_PROTECTED.has(field)) continue;
      const nth = seen.get(ref) ?? 0;
      seen.set(ref, nth + 1);
      const message = `Autogen rewrites ${ref} to the Pod template's metadata in the variants for ${controllers}: Pod templates never set ${field}, so there it is absent instead of the controller's ${field}.`;
      ctx.report({ file: ctx.file.file, span: spanIn(ctx, path, ref, nth) }, message, { fixes: () => fixList(ctx, policy, true) });
    }
  }
}

/** A Pod rule whose autogen translation reads Pod metadata that Pod templates never carry. */
export const autogenTranslationCheck: Check = {
  id: 'safety/autogen-translation',
  title: 'Autogen translates a check on Pod metadata to the Pod template, where the field is never set',
  severity: 'warning',
  checkDocument(ctx) {
    const policy = ctx.document.policy;
    if (!policy) return;
    if (policy.cls.family === 'kyverno-legacy' && (policy.kind === 'ClusterPolicy' || policy.kind === 'Policy')) checkLegacy(ctx, policy);
    else if (policy.cls.family === 'kyverno-cel') checkCel(ctx, policy);
  },
};
