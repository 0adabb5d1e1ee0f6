import type { Policy } from '../../model/types.ts';
import type { FileId } from '../../findings.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import { isNamespacedPolicyKind, policyIdentity } from '../../model/identity.ts';
import type { Check } from '../types.ts';

const describe = (policy: Policy) => `${policy.kind} \`${policy.name}\`${isNamespacedPolicyKind(policy.kind) && policy.namespace ? ` in namespace \`${policy.namespace}\`` : ''}`;

/** Identities read from documents (a test counts them: an edit must read only the edited file's). */
export const duplicateNameWork = { identities: 0 };

/** Which files define each policy identity, kept across index revisions and updated file by file. */
interface IdentityTable {
  revision: number;
  byFile: Map<FileId, string[]>;
  files: Map<string, Set<FileId>>;
}

const tables = new WeakMap<WorkspaceIndex, IdentityTable>();

const identitiesIn = (documents: readonly { policy?: Policy }[]): string[] => {
  const out: string[] = [];
  for (const document of documents) {
    if (!document.policy) continue;
    duplicateNameWork.identities++;
    const identity = policyIdentity(document.policy);
    if (identity !== undefined) out.push(identity);
  }
  return out;
};

function tableOf(index: WorkspaceIndex): IdentityTable {
  let table = tables.get(index);
  if (table?.revision === index.revision) return table;
  const changed = table && index.changedSince(table.revision);
  if (!table || !changed) {
    table = { revision: index.revision, byFile: new Map(), files: new Map() };
    tables.set(index, table);
    for (const file of index.files()) add(table, file.file, identitiesIn(file.documents));
    return table;
  }
  for (const file of changed) {
    for (const identity of table.byFile.get(file) ?? []) {
      const files = table.files.get(identity);
      files?.delete(file);
      if (files?.size === 0) table.files.delete(identity);
    }
    table.byFile.delete(file);
    add(table, file, identitiesIn(index.getFile(file)?.documents ?? []));
  }
  table.revision = index.revision;
  return table;
}

function add(table: IdentityTable, file: FileId, identities: string[]): void {
  if (!identities.length) return;
  table.byFile.set(file, identities);
  for (const identity of identities) {
    let files = table.files.get(identity);
    if (!files) table.files.set(identity, (files = new Set()));
    files.add(file);
  }
}

/** Every policy defining `identity`, in workspace order (the order of `index.policies()`). */
function definitionsOf(index: WorkspaceIndex, identity: string): Policy[] {
  const table = tableOf(index);
  const files = table.files.get(identity);
  if (!files || (files.size === 1 && table.byFile.get([...files][0])!.filter((x) => x === identity).length < 2)) return [];
  const policies = index.policies();
  const found: Policy[] = [];
  for (const file of files) for (const document of index.getFile(file)?.documents ?? []) if (document.policy && policyIdentity(document.policy) === identity) found.push(document.policy);
  // Rare (a duplicate): the walk of the workspace's list is paid only here.
  return found.sort((a, b) => policies.indexOf(a) - policies.indexOf(b));
}

const topicOf = (policy: Policy | undefined): string[] => {
  const identity = policy && policyIdentity(policy);
  return identity === undefined ? [] : [`policy:${identity}`];
};

/**
 * Two documents defining one policy identity: applying both, the later apply replaces the earlier
 * (the API server keeps one object per identity), so only one of them is ever in effect.
 */
export const duplicateNameCheck: Check = {
  id: 'policy/duplicate-name',
  title: 'Two documents define the same policy',
  severity: 'warning',
  // Per document, reading its identity: after an edit only the documents sharing an identity with the edited file are checked again.
  checkInWorkspace: {
    reads: (document) => topicOf(document.policy),
    contributes: (document) => topicOf(document.policy),
    check(ctx, _file, document) {
      const policy = document.policy;
      const identity = policy && policyIdentity(policy);
      if (!policy || identity === undefined) return;
      const definitions = definitionsOf(ctx.index, identity);
      if (definitions.length < 2) return;
      const at = (p: Policy) => ({ file: p.source.file, span: ctx.spanOf({ ...p.source, path: [...p.source.path, 'metadata', 'name'] }) });
      const others = definitions.filter((p) => p !== policy);
      ctx.report(
        at(policy),
        `${describe(policy)} is defined ${definitions.length} times in the workspace; applied together, each apply replaces the object the previous one created, so only the definition applied last is in effect. Rename one, or keep one definition.`,
        { related: others.map((p) => ({ ...at(p), message: `${describe(p)} is also defined here` })) },
      );
    },
  },
};
