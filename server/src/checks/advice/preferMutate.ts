import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import type { IndexedDocument, IndexedFile } from '../../workspace/document.ts';
import type { Rule } from '../../model/types.ts';
import type { Path } from '../../yaml/paths.ts';
import { asArray, asObj, type Obj } from '../cronjob/common.ts';
import { appendDocument, replaceScalar } from '../cronjob/yamlEdits.ts';
import { celOpportunities, legacyValidateOpportunities, matchesOnlyNamespaces, referencedVariables, type Opportunity } from './patterns.ts';
import { celMutations, describeOpportunity, legacyMutateRules } from './mutations.ts';

interface MutationFacts {
  kinds: string[];
  text: string;
}

/** The words a mutation must mention to already provide a field (its own rule text, either family). */
function terms(o: Opportunity, field: string): string[] {
  switch (o.kind) {
    case 'requests':
      return ['requests', field];
    case 'securityContext':
      return [field.split('.').pop()!];
    case 'registry':
      return ['image', field];
    default:
      return [field];
  }
}

/** Mutations that can touch objects of the given kinds, through the index's by-kind table (never all of them). */
class MutationLookup {
  private readonly byKinds = new Map<string, MutationFacts[]>();
  constructor(private readonly index: WorkspaceCheckContext['index']) {}

  relevant(kinds: string[]): MutationFacts[] {
    const key = kinds.join(',');
    let found = this.byKinds.get(key);
    if (!found) {
      const rules = new Set<Rule>();
      const wanted = kinds.length === 0 || kinds.includes('*') ? this.index.kindsWithRules() : kinds;
      for (const kind of wanted) for (const { rule } of this.index.rulesForKind(kind)) if (rule.phase === 'mutate') rules.add(rule);
      found = [...rules].map(mutationFacts);
      this.byKinds.set(key, found);
    }
    return found;
  }

  private readonly provided = new Map<string, boolean>();

  /** Whether a mutation of these kinds mentions every term; validations of one kind ask the same questions, answered once. */
  provides(kinds: string[], words: string[]): boolean {
    const key = `${kinds.join(',')}\u0000${words.join('\u0000')}`;
    let found = this.provided.get(key);
    if (found === undefined) this.provided.set(key, (found = this.relevant(kinds).some((m) => words.every((t) => m.text.includes(t)))));
    return found;
  }
}

// A rule's text is searched for every validation of its kinds: serialised once per rule object.
const factsByRule = new WeakMap<Rule, MutationFacts>();
function mutationFacts(rule: Rule): MutationFacts {
  let facts = factsByRule.get(rule);
  if (!facts) factsByRule.set(rule, (facts = { kinds: rule.match.kinds, text: JSON.stringify(rule.raw) }));
  return facts;
}

/** Drops what a mutation in the workspace already sets: then the validation is a safety net, as it should be. */
function uncovered(opportunities: Opportunity[], kinds: string[], mutations: MutationLookup): Opportunity[] {
  if (!opportunities.length) return opportunities;
  return opportunities
    .map((o) => ({ ...o, fields: o.fields.filter((f) => !mutations.provides(kinds, terms(o, f))) }))
    .filter((o) => o.fields.length > 0);
}

// Detection reads only the validation itself: computed once per validation object, reused across edits elsewhere.
const opportunitiesByValidation = new WeakMap<object, Opportunity[]>();
function memoOpportunities(key: object, detect: () => Opportunity[]): Opportunity[] {
  let found = opportunitiesByValidation.get(key);
  if (!found) opportunitiesByValidation.set(key, (found = detect()));
  return found;
}

function message(opportunities: Opportunity[], enforcing: boolean): string {
  const what = opportunities.map(describeOpportunity).join('; ');
  const registry = opportunities.find((o) => o.kind === 'registry');
  const mirror = registry
    ? `${registry.fields.length > 1 ? ` ${registry.fields[0]} was picked as the mirror of the ${registry.fields.length} allowed registries: check that it proxies the upstream registries, or the rejection becomes an ImagePullBackOff.` : ''} The rewritten references must still match your verifyImages rules (sign or reference the mirror).`
    : '';
  const ephemeral = opportunities.some((o) => o.lists?.includes('ephemeralContainers'))
    ? ' Ephemeral containers are added through the pods/ephemeralcontainers subresource: the mutation reaches them only if it matches that subresource too.'
    : '';
  const partial = opportunities.some((o) => o.partial);
  const outcome = partial ? 'makes this part of the validation compliant (it also requires things the mutation does not set)' : 'makes these objects compliant';
  const effect = enforcing ? 'rejects' : 'reports';
  const instead = enforcing ? 'bouncing them back to developers (who then file tickets and exceptions)' : 'filling policy reports with violations somebody must chase';
  return `This validation ${effect} what the platform could simply set: a mutation applying ${what} ${outcome} instead of ${instead}. Keep the validation as the safety net.${mirror}${ephemeral}`;
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base.slice(0, 63);
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 60)}-${i}`;
  return name;
}

function namesIn(file: IndexedFile): Set<string> {
  return new Set(file.documents.map((d) => String(asObj(asObj(d.yaml.value)?.metadata)?.name ?? '')));
}

function auditFix(file: IndexedFile, document: IndexedDocument, candidates: Path[]): Fix | undefined {
  for (const path of candidates) {
    let node: unknown = document.yaml.value;
    for (const seg of path) node = asObj(node)?.[seg as string] ?? (Array.isArray(node) ? node[seg as number] : undefined);
    if (typeof node === 'string' && /^enforce$/i.test(node)) {
      const edit = replaceScalar(file.file, document.yaml.doc, path, 'Audit');
      if (edit) return { title: 'Switch this validation to Audit (the mutation now does the work)', edits: [edit] };
    }
  }
  return undefined;
}

function celAuditFix(file: IndexedFile, document: IndexedDocument, spec: Obj): Fix | undefined {
  const actions = asArray(spec.validationActions).map(String);
  const deny = actions.indexOf('Deny');
  if (deny < 0 || actions.includes('Audit')) return undefined;
  const edit = replaceScalar(file.file, document.yaml.doc, ['spec', 'validationActions', deny], 'Audit');
  return edit ? { title: 'Switch this policy to Audit (the mutation now does the work)', edits: [edit] } : undefined;
}

interface Candidate {
  /** The rule's index (legacy) or the validation's (CEL). */
  index: number;
  kinds: string[];
  /** What the validation asks for that a mutation could set, before looking at the workspace's mutations. */
  opportunities: Opportunity[];
  enforcing?: boolean;
}

/** The document's own part of the detection: reads the validation alone, memoized per validation object. */
function legacyCandidates(document: IndexedDocument): Candidate[] {
  const spec = asObj(asObj(document.yaml.value)?.spec) ?? {};
  const out: Candidate[] = [];
  asArray(spec.rules).forEach((raw, index) => {
    const validate = asObj(asObj(raw)?.validate);
    if (!validate) return;
    const model: Rule | undefined = document.policy?.rules.find((r) => r.source.path[2] === index);
    const kinds = model?.match.kinds ?? [];
    let opportunities = memoOpportunities(validate, () => legacyValidateOpportunities(validate));
    if (matchesOnlyNamespaces(kinds.filter((k) => k !== '*'))) opportunities = opportunities.filter((o) => o.kind !== 'namespaceLabel');
    if (opportunities.length) out.push({ index, kinds, opportunities, enforcing: model?.enforcement === 'Enforce' });
  });
  return out;
}

function celCandidates(document: IndexedDocument): Candidate[] {
  const spec = asObj(asObj(document.yaml.value)?.spec) ?? {};
  const kinds = document.policy?.rules[0]?.match.kinds ?? [];
  const resources = asArray(asObj(spec.matchConstraints)?.resourceRules).flatMap((r) => asArray(asObj(r)?.resources).map(String));
  const out: Candidate[] = [];
  asArray(spec.validations).forEach((raw, index) => {
    const expression = asObj(raw)?.expression;
    if (typeof expression !== 'string') return;
    let opportunities = memoOpportunities(raw as object, () => celOpportunities(expression, referencedVariables(expression, spec.variables)));
    if (matchesOnlyNamespaces(resources)) opportunities = opportunities.filter((o) => o.kind !== 'namespaceLabel');
    if (opportunities.length) out.push({ index, kinds, opportunities });
  });
  return out;
}

// Asked for every validation of a kind whenever one of its mutations changes: kept per document.
const candidatesByDocument = new WeakMap<IndexedDocument, Candidate[]>();
function candidatesOf(document: IndexedDocument): Candidate[] {
  let found = candidatesByDocument.get(document);
  if (!found) candidatesByDocument.set(document, (found = document.cls?.family === 'kyverno-legacy' ? legacyCandidates(document) : celCandidates(document)));
  return found;
}

function checkLegacy(ctx: WorkspaceCheckContext, file: IndexedFile, document: IndexedDocument, mutations: MutationLookup): void {
  const value = asObj(document.yaml.value)!;
  const metadata = asObj(value.metadata) ?? {};
  const spec = asObj(value.spec) ?? {};
  for (const candidate of candidatesOf(document)) {
    const { index, kinds } = candidate;
    const rule = asObj(asArray(spec.rules)[index])!;
    const opportunities = uncovered(candidate.opportunities, kinds, mutations);
    if (!opportunities.length) continue;
    const ruleName = String(rule.name ?? `rule-${index}`);
    const mutation: Obj = {
      apiVersion: 'kyverno.io/v1',
      kind: document.cls!.kind === 'Policy' ? 'Policy' : 'ClusterPolicy',
      metadata: {
        name: uniqueName(`${String(metadata.name ?? 'policy')}-defaults`, namesIn(file)),
        ...(document.cls!.kind === 'Policy' && metadata.namespace ? { namespace: metadata.namespace } : {}),
        annotations: { 'policies.kyverno.io/description': `Sets what ${String(metadata.name ?? 'the validation')}/${ruleName} requires, where absent, so that it passes instead of rejecting.` },
      },
      spec: { emitWarning: true, rules: legacyMutateRules(opportunities, { name: ruleName, match: rule.match, exclude: rule.exclude, preconditions: rule.preconditions, celPreconditions: rule.celPreconditions, context: rule.context }) },
    };
    const fixes = (): Fix[] => {
      const list: Fix[] = [{ title: `Add a mutate rule that sets ${opportunities.map(describeOpportunity).join('; ')}`, edits: [appendDocument(file.file, file.text, mutation)], isPreferred: true }];
      const audit = auditFix(file, document, [['spec', 'rules', index, 'validate', 'failureAction'], ['spec', 'validationFailureAction'], ['spec', 'failureAction']]);
      if (audit) list.push(audit);
      return list;
    };
    ctx.report({ file: file.file, span: ctx.spanOf({ file: file.file, docIndex: document.index, path: ['spec', 'rules', index, 'validate'] }, 'key') }, message(opportunities, candidate.enforcing === true), { fixes });
  }
}

function checkCel(ctx: WorkspaceCheckContext, file: IndexedFile, document: IndexedDocument, mutations: MutationLookup): void {
  const value = asObj(document.yaml.value)!;
  const metadata = asObj(value.metadata) ?? {};
  const spec = asObj(value.spec) ?? {};
  const namespaced = document.cls!.kind.startsWith('Namespaced');

  for (const candidate of candidatesOf(document)) {
    const { index, kinds } = candidate;
    const opportunities = uncovered(candidate.opportunities, kinds, mutations);
    if (!opportunities.length) continue;
    const mutation: Obj = {
      apiVersion: 'policies.kyverno.io/v1',
      kind: namespaced ? 'NamespacedMutatingPolicy' : 'MutatingPolicy',
      metadata: {
        name: uniqueName(`${String(metadata.name ?? 'policy')}-defaults`, namesIn(file)),
        ...(namespaced && metadata.namespace ? { namespace: metadata.namespace } : {}),
        annotations: { 'policies.kyverno.io/description': `Sets what ${String(metadata.name ?? 'the validation')} requires, where absent, so that it passes instead of rejecting.` },
      },
      spec: {
        matchConstraints: spec.matchConstraints ?? { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
        ...(spec.matchConditions ? { matchConditions: spec.matchConditions } : {}),
        auditAnnotations: [{ key: 'defaults-applied-by', valueExpression: `'${String(metadata.name ?? 'policy')}-defaults'` }],
        mutations: celMutations(opportunities),
      },
    };
    const fixes = (): Fix[] => {
      const list: Fix[] = [{ title: `Add a ${mutation.kind} that sets ${opportunities.map(describeOpportunity).join('; ')}`, edits: [appendDocument(file.file, file.text, mutation)], isPreferred: true }];
      const audit = document.cls!.family === 'kyverno-cel' ? celAuditFix(file, document, spec) : undefined;
      if (audit) list.push(audit);
      return list;
    };
    const enforcing = document.cls!.kind === 'ValidatingAdmissionPolicy' || asArray(spec.validationActions).length === 0 || asArray(spec.validationActions).includes('Deny');
    // On the `expression` key, not the block scalar: a squiggle over the whole CEL text would hide the precise cel/* errors inside it.
    ctx.report({ file: file.file, span: ctx.spanOf({ file: file.file, docIndex: document.index, path: ['spec', 'validations', index, 'expression'] }, 'key') }, message(opportunities, enforcing), { fixes });
  }
}

/**
 * A validation that checks an objective, fixable property (requests present, a default
 * securityContext, automountServiceAccountToken false, a FinOps label the namespace knows, an
 * internal registry): offer the equivalent add-if-absent mutation. Judgement calls (domain labels,
 * signatures, privileged exceptions, bounds) are never flagged, and neither is a validation whose
 * requirement a mutation in the workspace already sets.
 */
export const preferMutateCheck: Check = {
  id: 'advice/prefer-mutate',
  title: 'Validation of a property a mutation could set',
  severity: 'info',
  checkInWorkspace: {
    reads(document) {
      // A validation with nothing a mutation could set does not depend on the mutations at all.
      if (!isValidation(document) || !asObj(document.yaml.value)) return [];
      return [...new Set(candidatesOf(document).flatMap((c) => mutationTopics(c.kinds, 'read')))];
    },
    contributes(document) {
      return [...new Set((document.policy?.rules ?? []).filter((r) => r.phase === 'mutate').flatMap((r) => mutationTopics(r.match.kinds, 'write')))];
    },
    // The findings change only when the answer to "does a mutation already set this?" changes.
    fingerprint(ctx, document) {
      if (!isValidation(document) || !asObj(document.yaml.value)) return [];
      const mutations = mutationLookup(ctx.index);
      return candidatesOf(document).flatMap((c) => c.opportunities.flatMap((o) => o.fields.map((f) => mutations.provides(c.kinds, terms(o, f)))));
    },
    check(ctx, file, document) {
      const cls = document.cls;
      if (!cls || !asObj(document.yaml.value) || !isValidation(document)) return;
      const mutations = mutationLookup(ctx.index);
      if (cls.family === 'kyverno-legacy') checkLegacy(ctx, file, document, mutations);
      else checkCel(ctx, file, document, mutations);
    },
  },
};

function isValidation(document: IndexedDocument): boolean {
  const cls = document.cls;
  if (!cls) return false;
  return (cls.family === 'kyverno-legacy' && (cls.kind === 'ClusterPolicy' || cls.kind === 'Policy')) || (cls.family === 'kyverno-cel' && (cls.kind === 'ValidatingPolicy' || cls.kind === 'NamespacedValidatingPolicy')) || (cls.family === 'k8s-admission' && cls.kind === 'ValidatingAdmissionPolicy');
}

/**
 * What a validation of `kinds` reads, or a mutation of `kinds` writes: a mutation of any kind ('*')
 * meets every validation, a validation of any kind meets every mutation (the topic all of them write).
 */
function mutationTopics(kinds: readonly string[], side: 'read' | 'write'): string[] {
  const any = kinds.length === 0 || kinds.includes('*');
  if (side === 'read') return any ? ['mutations'] : ['mutations:*', ...kinds.map((k) => `mutations:${k}`)];
  return ['mutations', ...(any ? ['mutations:*'] : kinds.map((k) => `mutations:${k}`))];
}

// One lookup per index revision, shared by every document checked in that revision.
const lookups = new WeakMap<WorkspaceCheckContext['index'], { revision: number; lookup: MutationLookup }>();
function mutationLookup(index: WorkspaceCheckContext['index']): MutationLookup {
  const hit = lookups.get(index);
  if (hit?.revision === index.revision) return hit.lookup;
  const lookup = new MutationLookup(index);
  lookups.set(index, { revision: index.revision, lookup });
  return lookup;
}
