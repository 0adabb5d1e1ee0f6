// hygiene/orphan in the language server: an edit that touches no resource reuses the last run's
// findings unless it changes which names a file mentions. Each step must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../../server/src/workspace/index.ts';
import { WorkspacePass } from '../../../../server/src/checks/workspacePass.ts';
import { runWorkspaceChecks } from '../../../../server/src/checks/run.ts';
import { orphanCheck } from '../../../../server/src/checks/hygiene/orphan.ts';

const app = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { a: b }
`;
const policy = (configMap: string, message = 'Needs settings.') => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: reads-a-configmap
spec:
  rules:
    - name: r
      match:
        any:
          - resources: { kinds: [Pod] }
      context:
        - name: cm
          configMap: { name: ${configMap}, namespace: shop }
      validate:
        message: ${message}
        deny: {}
`;

const shown = (findings: { file: string; message: string; span: unknown }[]) => findings.map((f) => JSON.stringify([f.file, f.span, f.message])).sort();

test('a mention added, edited around and removed in a policy is followed exactly', () => {
  const index = new WorkspaceIndex();
  index.setFile('/ws/app.yaml', app);
  index.setFile('/ws/policy.yaml', policy('other'));
  const pass = new WorkspacePass(index, [orphanCheck]);
  pass.run();
  assert.equal(pass.allFindings().length, 1, 'the ConfigMap nothing names');
  const steps = [policy('other', 'A new message.'), policy('settings'), policy('settings', 'Another message.'), policy('other'), '', policy('settings')];
  for (const text of steps) {
    index.setFile('/ws/policy.yaml', text);
    pass.run();
    const fresh = new WorkspaceIndex();
    for (const f of index.files()) fresh.setFile(f.file, f.text);
    assert.deepEqual(shown(pass.allFindings()), shown(runWorkspaceChecks(fresh, [orphanCheck])), text);
  }
  assert.equal(pass.allFindings().length, 0, 'named by the policy at the end');
});

test('test data is not judged, and a configuration that turns checkTestData on judges it on the next pass', () => {
  const index = new WorkspaceIndex();
  index.setFile('/ws/app.yaml', app.replace('name: settings', 'name: used'));
  index.setFile('/ws/policy.yaml', policy('used'));
  index.setFile('/ws/p/.kyverno-test/resources.yaml', app.replace('name: web, namespace: shop', 'name: web2, namespace: shop'));
  const pass = new WorkspacePass(index, [orphanCheck]);
  pass.run();
  assert.deepEqual(pass.allFindings().map((f) => f.file), [], 'the test data\'s own ConfigMap is named by nothing, but not judged');
  index.config = { ...index.config, checkTestData: true };
  index.setFile('/ws/policy.yaml', policy('used', 'A new message.'));
  pass.run();
  const fresh = new WorkspaceIndex(index.config);
  for (const f of index.files()) fresh.setFile(f.file, f.text);
  const expected = runWorkspaceChecks(fresh, [orphanCheck]);
  assert.deepEqual(expected.map((f) => f.file), ['/ws/p/.kyverno-test/resources.yaml']);
  assert.deepEqual(shown(pass.allFindings()), shown(expected));
});
