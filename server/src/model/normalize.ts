import type { DocClass, Enforcement, FieldRead, FieldWrite, GenerateTarget, Phase, Policy, Resource, Rule, SourceRef } from './types.ts';
import { summarizeLegacyMatch, summarizeMatchConstraints } from './matchSummary.ts';
import { strategicMergeWrites, json6902Writes, foreachListPrefix } from './legacyWrites.ts';
import { patternReads, celObjectReads } from './reads.ts';
import { isPolicyClass } from './classify.ts';
import { autogenKinds } from './autogen.ts';
import { celAutogenKinds } from './celAutogen.ts';
import { kindsForPlural } from './pluralKinds.ts';
import { celMutationWrites } from '../cel/writes.ts';
import { recordInternalError } from '../internalErrors.ts';
import { asObj } from '../k8s/objects.ts';

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export interface NormalizedDocument {
  policy?: Policy;
  resource?: Resource;
}

export function normalize(cls: DocClass, value: Obj, ref: SourceRef): NormalizedDocument {
  const metadata = asObj(value.metadata) ?? {};
  const base = {
    cls,
    kind: cls.kind,
    apiVersion: str(value.apiVersion) ?? '',
    name: str(metadata.name) ?? '',
    namespace: str(metadata.namespace),
    source: ref,
    raw: value,
  };
  if (cls.family === 'resource') return { resource: base };
  if (!isPolicyClass(cls)) return {};
  if (cls.family === 'kyverno-legacy') {
    if (cls.kind === 'CleanupPolicy' || cls.kind === 'ClusterCleanupPolicy') return { policy: { ...base, autogenKinds: [], rules: [cleanupRule(value, ref)] } };
    const kinds = safeAutogenKinds(value);
    return { policy: { ...base, autogenKinds: kinds, rules: legacyRules(value, ref, kinds) } };
  }
  const spec = asObj(value.spec) ?? {};
  const autogen = celAutogenKinds(cls.kind, spec);
  const rule = celRule(cls, value, ref);
  if (rule.match.kinds.includes('Pod')) rule.match.kinds.push(...autogen.filter((k) => !rule.match.kinds.includes(k)));
  return { policy: { ...base, autogenKinds: autogen, rules: [rule] } };
}

function safeAutogenKinds(value: Obj): string[] {
  try {
    return autogenKinds(value);
  } catch (error) {
    recordInternalError('autogen', error);
    return [];
  }
}

function policyEnforcement(spec: Obj): Enforcement {
  const action = str(spec.validationFailureAction) ?? str(spec.failureAction) ?? 'Audit';
  return /^enforce$/i.test(action) ? 'Enforce' : 'Audit';
}

function legacyRules(value: Obj, ref: SourceRef, autogen: string[]): Rule[] {
  const spec = asObj(value.spec) ?? {};
  const enforcement = policyEnforcement(spec);
  return asArray(spec.rules).flatMap((raw, index): Rule[] => {
    const rule = asObj(raw);
    if (!rule) return [];
    const source = { ...ref, path: ['spec', 'rules', index] };
    const phase: Phase = rule.mutate ? 'mutate' : rule.validate ? 'validate' : rule.generate ? 'generate' : rule.verifyImages ? 'verifyImages' : 'validate';
    const match = summarizeLegacyMatch(rule.match, rule.exclude);
    if (match.kinds.includes('Pod')) match.kinds.push(...autogen.filter((k) => !match.kinds.includes(k)));
    if (rule.preconditions || rule.celPreconditions) match.conditional = true;
    const validate = asObj(rule.validate);
    const ruleAction = str(validate?.failureAction);
    return [{
      name: str(rule.name) ?? `rule-${index}`,
      phase,
      source,
      match,
      enforcement: ruleAction ? (/^enforce$/i.test(ruleAction) ? 'Enforce' : 'Audit') : enforcement,
      effect: { writes: legacyWrites(rule, source), reads: legacyReads(rule, source), targets: legacyTargets(rule, source) },
      raw: rule,
    }];
  });
}

function legacyWrites(rule: Obj, source: SourceRef): FieldWrite[] {
  const mutate = asObj(rule.mutate);
  if (!mutate) return [];
  const at = (...path: (string | number)[]): SourceRef => ({ ...source, path: [...source.path, 'mutate', ...path] });
  const writes: FieldWrite[] = [];
  if (mutate.patchStrategicMerge !== undefined) writes.push(...strategicMergeWrites(mutate.patchStrategicMerge, at('patchStrategicMerge')));
  if (mutate.patchesJson6902 !== undefined) writes.push(...json6902Writes(mutate.patchesJson6902, at('patchesJson6902')));
  asArray(mutate.foreach).forEach((raw, index) => {
    const each = asObj(raw);
    if (!each) return;
    const prefix = foreachListPrefix(each.list);
    if (each.patchStrategicMerge !== undefined) {
      // An element-scoped SMP is written from the resource root, like a plain one.
      writes.push(...strategicMergeWrites(each.patchStrategicMerge, at('foreach', index, 'patchStrategicMerge'), [], prefix ? 'always' : 'conditional'));
    }
    if (each.patchesJson6902 !== undefined) writes.push(...json6902Writes(each.patchesJson6902, at('foreach', index, 'patchesJson6902')));
  });
  return writes;
}

function legacyReads(rule: Obj, source: SourceRef): FieldRead[] {
  const validate = asObj(rule.validate);
  if (!validate) return [];
  const at = (...path: (string | number)[]): SourceRef => ({ ...source, path: [...source.path, 'validate', ...path] });
  const reads: FieldRead[] = [];
  if (validate.pattern !== undefined) reads.push(...patternReads(validate.pattern, at('pattern')));
  asArray(validate.anyPattern).forEach((p, i) => reads.push(...patternReads(p, at('anyPattern', i))));
  const cel = asObj(validate.cel);
  asArray(cel?.expressions).forEach((e, i) => {
    const expression = str(asObj(e)?.expression);
    if (expression) reads.push(...celObjectReads(expression, at('cel', 'expressions', i, 'expression')));
  });
  return reads;
}

function legacyTargets(rule: Obj, source: SourceRef): GenerateTarget[] {
  const generate = asObj(rule.generate);
  if (!generate) return [];
  const entries = generate.kind || generate.name ? [{ entry: generate, path: [] as (string | number)[] }] : asArray(generate.foreach).map((e, i) => ({ entry: asObj(e) ?? {}, path: ['foreach', i] as (string | number)[] }));
  return entries.map(({ entry, path }) => ({
    apiVersion: str(entry.apiVersion) ?? '',
    kind: str(entry.kind) ?? '',
    namespace: str(entry.namespace),
    name: str(entry.name) ?? '',
    synchronize: entry.synchronize === true || generate.synchronize === true,
    data: asObj(entry.data)?.data ?? entry.data,
    clone: asObj(entry.clone) as GenerateTarget['clone'],
    source: { ...source, path: [...source.path, 'generate', ...path] },
  }));
}

function cleanupRule(value: Obj, ref: SourceRef): Rule {
  const spec = asObj(value.spec) ?? {};
  return {
    name: str(asObj(value.metadata)?.name) ?? 'cleanup',
    phase: 'cleanup',
    source: { ...ref, path: ['spec'] },
    match: summarizeLegacyMatch(spec.match, spec.exclude),
    enforcement: 'Enforce',
    effect: { writes: [], reads: [], targets: [] },
    raw: spec,
  };
}

const celPhase: Record<string, Phase> = {
  ValidatingPolicy: 'validate', NamespacedValidatingPolicy: 'validate', ValidatingAdmissionPolicy: 'validate',
  MutatingPolicy: 'mutate', NamespacedMutatingPolicy: 'mutate', MutatingAdmissionPolicy: 'mutate',
  GeneratingPolicy: 'generate', NamespacedGeneratingPolicy: 'generate',
  DeletingPolicy: 'cleanup', NamespacedDeletingPolicy: 'cleanup',
  ImageValidatingPolicy: 'verifyImages', NamespacedImageValidatingPolicy: 'verifyImages',
};

function celEnforcement(spec: Obj): Enforcement {
  const actions = asArray(spec.validationActions).map(String);
  if (actions.includes('Deny')) return 'Deny';
  if (actions.length === 0) return 'Deny'; // CEL policies deny by default (validationActions defaults to [Deny])
  return actions.includes('Warn') ? 'Warn' : 'Audit';
}

function celRule(cls: DocClass, value: Obj, ref: SourceRef): Rule {
  const spec = asObj(value.spec) ?? {};
  const source = { ...ref, path: ['spec'] };
  const writes: FieldWrite[] = [];
  const reads: FieldRead[] = [];
  asArray(spec.mutations).forEach((raw, index) => {
    const mutation = asObj(raw) ?? {};
    for (const key of ['applyConfiguration', 'jsonPatch'] as const) {
      const expression = str(asObj(mutation[key])?.expression);
      if (!expression) continue;
      const exprRef = { ...ref, path: ['spec', 'mutations', index, key, 'expression'] };
      for (const write of celMutationWrites(expression)) writes.push({ ...write, source: exprRef });
    }
  });
  asArray(spec.validations).forEach((raw, index) => {
    const expression = str(asObj(raw)?.expression);
    if (expression) reads.push(...celObjectReads(expression, { ...ref, path: ['spec', 'validations', index, 'expression'] }));
  });
  const isValidation = celPhase[cls.kind] === 'validate' || celPhase[cls.kind] === 'verifyImages';
  return {
    name: str(asObj(value.metadata)?.name) ?? '',
    phase: celPhase[cls.kind] ?? 'validate',
    source,
    match: summarizeMatchConstraints(spec.matchConstraints, spec.matchConditions, kindsForPlural),
    enforcement: isValidation ? celEnforcement(spec) : 'Enforce',
    effect: { writes, reads, targets: [] },
    raw: spec,
  };
}
