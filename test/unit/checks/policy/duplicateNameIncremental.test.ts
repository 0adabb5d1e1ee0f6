// policy/duplicate-name in the language server: after an edit it reads the identities of the
// edited file only (counted), re-checks only the documents sharing an identity with it, and its
// findings equal a fresh analysis of the same texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../../server/src/workspace/index.ts';
import { WorkspacePass } from '../../../../server/src/checks/workspacePass.ts';
import { runWorkspaceChecks } from '../../../../server/src/checks/run.ts';
import { duplicateNameCheck, duplicateNameWork } from '../../../../server/src/checks/policy/duplicateName.ts';
import type { Finding } from '../../../../server/src/findings.ts';

const policy = (name: string, message = 'team label required') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "${message}"
        pattern:
          metadata:
            labels:
              team: "?*"
`;

const canonical = (findings: readonly Finding[]) => findings.map((f) => JSON.stringify({ file: f.file, span: f.span, message: f.message, related: f.related ?? [] })).sort();

function fresh(texts: Map<string, string>): string[] {
  const index = new WorkspaceIndex();
  for (const [file, text] of texts) index.setFile(file, text);
  return canonical(runWorkspaceChecks(index, [duplicateNameCheck]));
}

test('an edit reads the edited file identities only, and the findings equal a fresh analysis', () => {
  const texts = new Map<string, string>();
  for (let i = 0; i < 40; i++) texts.set(`/ws/p${i}.yaml`, policy(`policy-${i}`));
  texts.set('/ws/copy.yaml', policy('policy-7'));
  const index = new WorkspaceIndex();
  for (const [file, text] of texts) index.setFile(file, text);
  const pass = new WorkspacePass(index, [duplicateNameCheck]);
  pass.run();
  const findings = () => canonical([...index.files()].flatMap((f) => pass.findingsOf(f.file)));
  assert.equal(findings().length, 2, 'policy-7 is defined twice: one finding on each definition');
  assert.deepEqual(findings(), fresh(texts));

  const edit = (file: string, text: string | undefined) => {
    if (text === undefined) {
      texts.delete(file);
      index.removeFile(file);
    } else {
      texts.set(file, text);
      index.setFile(file, text);
    }
    duplicateNameWork.identities = 0;
    const changed = pass.run();
    const read = duplicateNameWork.identities;
    assert.deepEqual(findings(), fresh(texts), `after editing ${file}`);
    return { read, changed: [...changed].sort() };
  };
  // Typing in a message: one identity read, nothing republished.
  assert.deepEqual(edit('/ws/p3.yaml', policy('policy-3', 'edited')), { read: 1, changed: [] });
  // A rename onto another policy's name: both definitions get a finding.
  assert.deepEqual(edit('/ws/p4.yaml', policy('policy-5')), { read: 1, changed: ['/ws/p4.yaml', '/ws/p5.yaml'] });
  // The copy renamed away: the original loses its finding.
  assert.deepEqual(edit('/ws/copy.yaml', policy('policy-other')), { read: 1, changed: ['/ws/copy.yaml', '/ws/p7.yaml'] });
  // A definition deleted: the one left loses its finding.
  assert.deepEqual(edit('/ws/p5.yaml', undefined), { read: 0, changed: ['/ws/p4.yaml', '/ws/p5.yaml'] });
});
