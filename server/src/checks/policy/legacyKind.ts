import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import type { IndexedDocument, IndexedFile } from '../../workspace/document.ts';
import type { Resource } from '../../model/types.ts';
import { stringify } from 'yaml';
import { simulate } from '../../engine/simulate.ts';
import { asObj, type Obj } from '../cronjob/common.ts';
import { CEL_AUTOGEN, migrateLegacyValidate } from './migrate.ts';
import { POD_CONTROLLERS } from '../../k8s/workloads.ts';

const TARGET: Record<string, string> = {
  validate: 'ValidatingPolicy',
  mutate: 'MutatingPolicy',
  generate: 'GeneratingPolicy',
  verifyImages: 'ImageValidatingPolicy',
};

type ResourcesOfKind = (kind: string) => readonly Resource[];

/** Minimal objects of a kind: bare, and with one container (for Pods and their controllers). */
function syntheticWitnesses(kind: string, apiVersion: string): Obj[] {
  const pod = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
  const metadata = { name: 'witness', namespace: 'default' };
  if (kind === 'Pod') return [{ apiVersion, kind, metadata, spec: pod }];
  if (kind !== 'CronJob' && POD_CONTROLLERS.includes(kind)) return [{ apiVersion, kind, metadata, spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: pod } } }];
  if (kind === 'CronJob') return [{ apiVersion, kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: pod } } } } }];
  return [{ apiVersion, kind, metadata }];
}

type Outcome = 'fail' | 'pass' | 'skip';

function outcome(policy: Obj, resource: Obj): Outcome | undefined {
  const result = simulate(resource, [{ doc: policy }], { operation: 'CREATE', namespaceLabels: { 'kubernetes.io/metadata.name': 'default' } });
  const statuses = result.validations.map((r) => r.status);
  if (statuses.some((s) => s !== 'pass' && s !== 'fail' && s !== 'skip')) return undefined;
  return statuses.includes('fail') ? 'fail' : statuses.includes('pass') ? 'pass' : 'skip';
}

// The proof simulates both policies on every witness: remembered per policy value for as long as
// the workspace objects of its kinds are the same ones (an edit elsewhere costs nothing here).
const proofs = new WeakMap<Obj, { witnesses: Obj[]; fix: Fix | undefined }>();

function sameObjects(a: Obj[], b: Obj[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The migration, offered only when the engine gives the same verdict for both on every witness. */
function migrationFix(file: IndexedFile, document: IndexedDocument, resourcesOfKind: ResourcesOfKind): Fix | undefined {
  const value = asObj(document.yaml.value);
  if (!value) return undefined;
  const kinds = new Set((document.policy?.rules ?? []).flatMap((r) => r.match.kinds));
  const real = [...kinds].flatMap((k) => resourcesOfKind(k)).slice(0, 50).map((r) => r.raw);
  const known = proofs.get(value);
  if (known && sameObjects(known.witnesses, real)) return known.fix;
  const fix = proveMigration(file, document, resourcesOfKind);
  proofs.set(value, { witnesses: real, fix });
  return fix;
}

function proveMigration(file: IndexedFile, document: IndexedDocument, resourcesOfKind: ResourcesOfKind): Fix | undefined {
  const resources = [...new Set(document.policy?.rules.flatMap((r) => r.match.kinds) ?? [])].flatMap((k) => resourcesOfKind(k));
  const policy = document.policy;
  const value = asObj(document.yaml.value);
  if (!policy || !value || policy.rules.some((r) => r.phase !== 'validate')) return undefined;
  const migrated = migrateLegacyValidate(value, policy.autogenKinds);
  if (!migrated) return undefined;
  const kinds = new Set(policy.rules.flatMap((r) => r.match.kinds));
  // CEL autogen has no ReplicationController: the one difference, said in the title.
  const dropped = policy.autogenKinds.filter((k) => !CEL_AUTOGEN.has(k) && kinds.has(k));
  for (const k of dropped) kinds.delete(k);
  const witnesses: Obj[] = resources.filter((r) => kinds.has(r.kind)).slice(0, 50).map((r) => r.raw);
  for (const kind of kinds) {
    const apiVersion = resources.find((r) => r.kind === kind)?.apiVersion ?? (kind === 'Pod' ? 'v1' : kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1');
    witnesses.push(...syntheticWitnesses(kind, apiVersion));
  }
  let decided = 0;
  for (const witness of witnesses) {
    const before = outcome(value, witness);
    const after = outcome(migrated, witness);
    if (before === undefined || after === undefined || before !== after) return undefined;
    if (before !== 'skip') decided++;
  }
  if (decided === 0) return undefined;
  const contents = document.yaml.doc.contents;
  if (!contents?.range) return undefined;
  const newText = stringify(migrated, { lineWidth: 0 }).replace(/\n$/, '');
  return {
    title: `Migrate to ${String(migrated.kind)} (same verdicts on ${witnesses.length} object${witnesses.length > 1 ? 's' : ''}${dropped.length ? `; ${dropped.join(', ')} no longer covered by autogen` : ''})`,
    edits: [{ file: file.file, span: { start: contents.range[0], end: contents.range[1] }, newText }],
  };
}

function isMechanical(document: IndexedDocument): boolean {
  const policy = document.policy;
  const value = asObj(document.yaml.value);
  if (!policy || !value || policy.rules.length === 0 || policy.rules.some((r) => r.phase !== 'validate')) return false;
  try {
    return migrateLegacyValidate(value, policy.autogenKinds) !== undefined;
  } catch {
    return false;
  }
}

function provenFix(file: IndexedFile, document: IndexedDocument, resourcesOfKind: ResourcesOfKind): Fix[] {
  try {
    const fix = migrationFix(file, document, resourcesOfKind);
    return fix ? [fix] : [];
  } catch {
    return [];
  }
}

function checkDocument(ctx: WorkspaceCheckContext, file: IndexedFile, document: IndexedDocument, resourcesOfKind: ResourcesOfKind): void {
  const cls = document.cls;
  if (!cls || cls.family !== 'kyverno-legacy' || (cls.kind !== 'ClusterPolicy' && cls.kind !== 'Policy')) return;
  const rules = document.policy?.rules ?? [];
  const targets = [...new Set(rules.map((r) => TARGET[r.phase]).filter(Boolean))];
  const prefix = cls.kind === 'Policy' ? 'Namespaced' : '';
  const into = targets.length ? targets.map((t) => prefix + t).join(' + ') : 'the policies.kyverno.io kinds';
  // The translation is cheap to attempt; proving it (simulating both policies on every witness)
  // is not, and only the fix needs it: it runs when an editor asks for the quick fix.
  const mechanical = isMechanical(document);
  const fixes = mechanical ? () => provenFix(file, document, resourcesOfKind) : undefined;
  ctx.report(
    { file: file.file, span: ctx.spanOf({ file: file.file, docIndex: document.index, path: ['kind'] }, 'value') },
    `${cls.kind} (kyverno.io/${cls.version}) is deprecated in favour of the CEL-based policies.kyverno.io kinds; this one would become ${into}.${mechanical ? ' The translation is mechanical: the quick fix offers it where the engine gives the same verdicts for both policies on the workspace\'s objects.' : ' Plan the migration: new features land in the CEL kinds only.'}`,
    { fixes, tags: ['deprecated'] },
  );
}

/**
 * `ClusterPolicy`/`Policy` (kyverno.io/v1) are deprecated in favour of the policies.kyverno.io
 * kinds. Where the translation is mechanical (kinds-only match, `validate.cel` or plain patterns)
 * and the engine gives the same verdicts for the old and the new policy on the workspace's objects
 * of those kinds and on minimal ones, the rewrite to a ValidatingPolicy is offered.
 */
export const legacyKindCheck: Check = {
  id: 'policy/legacy-kind',
  title: 'Deprecated ClusterPolicy/Policy kind',
  // It repeats on every legacy policy of a repository: a hint (no Problems-panel entry in VS Code)
  // with `kind:` struck through as deprecated, not a list of hundreds (docs page, "Why").
  severity: 'hint',
  checkInWorkspace: {
    // The proof simulates on the workspace's objects of the policy's kinds.
    reads: (document) => [...new Set((document.policy?.rules ?? []).flatMap((r) => r.match.kinds))].map((k) => `resources:${k}`),
    contributes: (document) => (document.resource ? [`resources:${document.resource.kind}`] : []),
    check(ctx, file, document) {
      checkDocument(ctx, file, document, (kind) => ctx.index.resourcesOfKind(kind));
    },
  },
};
