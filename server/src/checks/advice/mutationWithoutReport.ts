import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';
import { insertFields } from '../cronjob/yamlEdits.ts';

const METADATA_ONLY = /^\/metadata\/(labels|annotations)(\/|$)/;

/** Does this legacy mutate block change more than labels/annotations, and does it record itself in an annotation? */
function legacyEffect(mutate: Obj): { nonTrivial: boolean; annotates: boolean } {
  let nonTrivial = mutate.targets !== undefined || mutate.mutateExistingOnPolicyUpdate === true;
  let annotates = false;
  const smp = (patch: unknown) => {
    const p = asObj(patch);
    if (!p) return;
    for (const key of Object.keys(p)) {
      if (key.replace(/^[+=X<^]?\(|\)$/g, '') !== 'metadata') nonTrivial = true;
    }
    const metadata = asObj(p.metadata) ?? asObj(p['+(metadata)']) ?? {};
    if (Object.keys(metadata).some((k) => /annotations/.test(k))) annotates = true;
  };
  const json = (patches: unknown) => {
    const list = typeof patches === 'string' ? patches.split('\n').filter((l) => /path:/.test(l)).map((l) => ({ path: l.replace(/.*path:\s*["']?([^"'\s]+).*/, '$1') })) : asArray(patches);
    for (const op of list) {
      const path = String(asObj(op)?.path ?? '');
      if (!METADATA_ONLY.test(path)) nonTrivial = true;
      if (/^\/metadata\/annotations/.test(path)) annotates = true;
    }
  };
  smp(mutate.patchStrategicMerge);
  json(mutate.patchesJson6902);
  for (const each of asArray(mutate.foreach)) {
    smp(asObj(each)?.patchStrategicMerge);
    json(asObj(each)?.patchesJson6902);
  }
  return { nonTrivial, annotates };
}

/** A CEL mutation's text: does it touch anything but labels/annotations, and does it write an annotation? */
function celEffect(mutations: unknown[]): { nonTrivial: boolean; annotates: boolean } {
  const text = mutations.map((m) => JSON.stringify(m)).join('\n');
  const nonTrivial = /Object\.spec|\bspec\s*:|\/spec\b|Object\.data|\bdata\s*:|\/data\b|Object\.(?!metadata)\w+\{/.test(text);
  return { nonTrivial, annotates: /annotations/.test(text) };
}

function reportLegacy(ctx: DocumentCheckContext, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  if (spec.emitWarning === true) return;
  let fix: Fix | undefined;
  asArray(spec.rules).forEach((raw, index) => {
    const mutate = asObj(asObj(raw)?.mutate);
    if (!mutate) return;
    const { nonTrivial, annotates } = legacyEffect(mutate);
    if (!nonTrivial || annotates) return;
    if (!fix) {
      const edit = insertFields(ctx.file.file, ctx.document.yaml.doc, ctx.file.text, ['spec'], { emitWarning: true });
      fix = edit ? { title: 'Set emitWarning: true (every mutation is returned as an admission warning)', edits: [edit], isPreferred: true } : undefined;
    }
    ctx.report(
      { file: ctx.file.file, span: ctx.spanOf(['spec', 'rules', index, 'mutate'], 'key') },
      'This mutation changes the workload and leaves no trail: no admission warning (emitWarning), no annotation recording the change. Silent mutations become a shadow configuration layer nobody can see in Git or in kubectl output. Set spec.emitWarning: true, or annotate what was changed.',
      { fixes: fix ? [fix] : [] },
    );
  });
}

function reportCel(ctx: DocumentCheckContext, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  if (asArray(spec.auditAnnotations).length) return;
  const mutations = asArray(spec.mutations);
  if (!mutations.length) return;
  const { nonTrivial, annotates } = celEffect(mutations);
  if (!nonTrivial || annotates) return;
  const name = String(asObj(value.metadata)?.name ?? 'mutation');
  const edit = insertFields(ctx.file.file, ctx.document.yaml.doc, ctx.file.text, ['spec'], { auditAnnotations: [{ key: 'mutated-by', valueExpression: `'${name}'` }] });
  ctx.report(
    { file: ctx.file.file, span: ctx.spanOf(['spec', 'mutations'], 'key') },
    'This MutatingPolicy changes the workload and leaves no trail: no auditAnnotations in the policy reports, no annotation on the object. Silent mutations become a shadow configuration layer nobody can see in Git or in kubectl output. Add auditAnnotations (or annotate what was changed).',
    { fixes: edit ? [{ title: 'Add auditAnnotations recording the mutation in policy reports', edits: [edit], isPreferred: true }] : [] },
  );
}

/**
 * A non-trivial mutation (more than labels and annotations) that leaves no trail: no admission
 * warning, no audit annotation, no annotation on the object it changes.
 */
export const mutationWithoutReportCheck: Check = {
  id: 'advice/mutation-without-report',
  title: 'Mutation that leaves no trail',
  // Advice that holds for most mutating policies of a library: a hint beside the code, not a Problems entry (docs page).
  severity: 'hint',
  checkDocument(ctx) {
    const cls = ctx.document.cls;
    const value = asObj(ctx.document.yaml.value);
    if (!cls || !value) return;
    if (cls.family === 'kyverno-legacy' && (cls.kind === 'ClusterPolicy' || cls.kind === 'Policy')) reportLegacy(ctx, value);
    else if (cls.family === 'kyverno-cel' && (cls.kind === 'MutatingPolicy' || cls.kind === 'NamespacedMutatingPolicy')) reportCel(ctx, value);
  },
};
