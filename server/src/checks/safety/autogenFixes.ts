// Code actions shared by the autogen checks: the explicit opt-out of autogen, which keeps the
// rules Pod-only on purpose and says so (legacy: the autogen-controllers annotation; CEL policies:
// an empty spec.autogen.podControllers.controllers).
import type { Fix } from '../../findings.ts';
import type { DocumentCheckContext } from '../types.ts';
import { AUTOGEN_ANNOTATION } from '../../model/autogen.ts';
import { insertFields, replaceScalar } from '../cronjob/yamlEdits.ts';
import { nodeAt } from '../../yaml/paths.ts';

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
