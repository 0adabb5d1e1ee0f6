import type { Check, DocumentCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';
import { insertFields } from '../cronjob/yamlEdits.ts';
import { strategicMergeWrites } from '../../model/legacyWrites.ts';
import { celMutationWrites } from '../../cel/writes.ts';

// Labels and annotations of the object or of an embedded object (a Pod template's metadata).
const METADATA_ONLY = /(^|\/)metadata\/(labels|annotations)(\/|$)/;
const isMetadataPath = (path: readonly string[]) => path.some((s, i) => s === 'metadata' && (path[i + 1] === 'labels' || path[i + 1] === 'annotations'));

/** Does this legacy mutate block change more than labels/annotations, and does it record itself in an annotation? */
function legacyEffect(mutate: Obj): { nonTrivial: boolean; annotates: boolean } {
  // `targets` (mutate existing) says where the patch goes, not what it writes: the patch decides.
  let nonTrivial = false;
  let annotates = false;
  const smp = (patch: unknown) => {
    if (!asObj(patch)) return;
    // Anchored keys that are conditions (`(name)`, `<(containerRuntimeVersion)`) write nothing.
    for (const write of strategicMergeWrites(patch, { file: '', docIndex: 0, path: [] })) {
      if (!isMetadataPath(write.path)) nonTrivial = true;
      if (write.path[0] === 'metadata' && write.path[1] === 'annotations') annotates = true;
    }
  };
  const json = (patches: unknown) => {
    const list = typeof patches === 'string' ? patches.split('\n').filter((l) => /path:/.test(l)).map((l) => ({ path: l.replace(/.*path:\s*["']?([^"'\s]+).*/, '$1') })) : asArray(patches);
    for (const op of list) {
      const path = String(asObj(op)?.path ?? '');
      if (!METADATA_ONLY.test(path)) nonTrivial = true;
      if (/^\/metadata\/annotations/.test(path)) annotates = true;
    }
  };
  const block = (m: Obj | undefined, depth: number) => {
    if (!m || depth > 8) return; // nested foreach, bounded against hostile nesting
    smp(m.patchStrategicMerge);
    json(m.patchesJson6902);
    for (const each of asArray(m.foreach)) block(asObj(each), depth + 1);
  };
  block(mutate, 0);
  return { nonTrivial, annotates };
}

/** An apply configuration that writes only labels/annotations (a Pod template's too); false when its writes are not all known. */
function celMetadataOnly(mutation: unknown): boolean {
  const expression = asObj(asObj(mutation)?.applyConfiguration)?.expression;
  if (typeof expression !== 'string') return false;
  const writes = celMutationWrites(expression);
  return writes.length > 0 && writes.every((w) => isMetadataPath(w.path));
}

/** A CEL mutation's text: does it touch anything but labels/annotations, and does it write an annotation? */
function celEffect(mutations: unknown[]): { nonTrivial: boolean; annotates: boolean } {
  const text = mutations.map((m) => JSON.stringify(m)).join('\n');
  const rest = mutations.filter((m) => !celMetadataOnly(m)).map((m) => JSON.stringify(m)).join('\n');
  const nonTrivial = /Object\.spec|\bspec\s*:|\/spec\b|Object\.data|\bdata\s*:|\/data\b|Object\.(?!metadata)\w+\{/.test(rest);
  return { nonTrivial, annotates: /annotations/.test(text) };
}

function reportLegacy(ctx: DocumentCheckContext, value: Obj): void {
  const spec = asObj(value.spec) ?? {};
  if (spec.emitWarning === true) return;
  // Built when an editor asks for code actions: the CLI never reads fixes.
  const fixes = (): Fix[] => {
    const edit = insertFields(ctx.file.file, ctx.document.yaml.doc, ctx.file.text, ['spec'], { emitWarning: true });
    return edit ? [{ title: 'Set emitWarning: true (every mutation is returned as an admission warning)', edits: [edit], isPreferred: true }] : [];
  };
  asArray(spec.rules).forEach((raw, index) => {
    const mutate = asObj(asObj(raw)?.mutate);
    if (!mutate) return;
    const { nonTrivial, annotates } = legacyEffect(mutate);
    if (!nonTrivial || annotates) return;
    ctx.report(
      { file: ctx.file.file, span: ctx.spanOf(['spec', 'rules', index, 'mutate'], 'key') },
      'This mutation changes the workload and leaves no trail: no admission warning (emitWarning), no annotation recording the change. Silent mutations become a shadow configuration layer nobody can see in Git or in kubectl output. Set spec.emitWarning: true, or annotate what was changed.',
      { fixes },
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
  // Built when an editor asks for code actions: the CLI never reads fixes.
  const fixes = (): Fix[] => {
    const edit = insertFields(ctx.file.file, ctx.document.yaml.doc, ctx.file.text, ['spec'], { auditAnnotations: [{ key: 'mutated-by', valueExpression: `'${name}'` }] });
    return edit ? [{ title: 'Add auditAnnotations recording the mutation in policy reports', edits: [edit], isPreferred: true }] : [];
  };
  ctx.report(
    { file: ctx.file.file, span: ctx.spanOf(['spec', 'mutations'], 'key') },
    'This MutatingPolicy changes the workload and leaves no trail: no auditAnnotations in the policy reports, no annotation on the object. Silent mutations become a shadow configuration layer nobody can see in Git or in kubectl output. Add auditAnnotations (or annotate what was changed).',
    { fixes },
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
