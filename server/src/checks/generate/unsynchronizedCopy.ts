import type { Check } from '../types.ts';
import type { Fix, TextEdit } from '../../findings.ts';
import { nodeAt } from '../../yaml/paths.ts';
import { insertFields, replaceScalar } from '../cronjob/yamlEdits.ts';
import { generatedKinds, type GeneratedKind } from './targets.ts';

/** Data that is propagated into namespaces and goes stale when the source changes. */
export const PROPAGATED_KINDS = new Set(['Secret', 'ConfigMap', 'NetworkPolicy']);

/**
 * Propagated data (pull secrets, TLS secrets, CA bundles, baseline NetworkPolicies) generated without
 * `synchronize: true`: a rotated source is never copied again, and edits or deletions of the copy are
 * never repaired.
 */
export const unsynchronizedCopyCheck: Check = {
  id: 'generate/unsynchronized-copy',
  title: 'Propagated Secret/ConfigMap/NetworkPolicy without synchronize',
  severity: 'warning',
  checkDocument(ctx) {
    const { file, document } = ctx;
    const reported = new Set<string>();
    for (const target of generatedKinds(document)) {
      if (target.synchronized || !PROPAGATED_KINDS.has(target.kind)) continue;
      const key = target.syncAt.map.join('.');
      if (reported.has(key)) continue;
      reported.add(key);
      const switchPath = [...target.syncAt.map, target.syncAt.key];
      const explicit = nodeAt(document.yaml.doc, switchPath) !== undefined;
      const edit: TextEdit | undefined = explicit
        ? replaceScalar(file.file, document.yaml.doc, switchPath, true)
        : insertFields(file.file, document.yaml.doc, file.text, target.syncAt.map, { [target.syncAt.key]: true });
      const fixes: Fix[] = edit ? [{ title: `Set ${target.syncAt.key === 'enabled' ? 'evaluation.synchronize.enabled' : 'synchronize'}: true`, edits: [edit], isPreferred: true }] : [];
      ctx.report({ file: file.file, span: explicit ? ctx.spanOf(switchPath, 'value') : ctx.spanOf(target.at, 'value') }, message(target), { fixes });
    }
  },
};

function message(target: GeneratedKind): string {
  const how = target.copy ? 'cloned from a source object' : 'generated from inline data';
  return `This ${target.kind} is ${how} without synchronization: when the source is rotated or edited the copies keep the old content, and a copy that is changed or deleted in a namespace is never restored. Set synchronize: true (the copies then follow the source, and Kyverno restores them).`;
}
