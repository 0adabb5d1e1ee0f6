// `kyverno/admissionPreview` over stdio: given a workspace with the default-label mutation and the
// frontend validation, when the preview is asked for the Pod under the cursor, then the mutation
// comes first, then the failing validation, then the verdict "denied".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LspClient, positionOf, tempWorkspace } from './client.ts';

const example = (rel: string) => readFileSync(`examples/conflicts/${rel}`, 'utf8');
const pod = example('workloads/web.yaml');

describe('kyverno/admissionPreview', () => {
  const ws = tempWorkspace({
    'policies/add-default-app-label.yaml': example('cel/add-default-app-label.yaml'),
    'policies/require-app-frontend.yaml': example('cel/require-app-frontend.yaml'),
    'workloads/web.yaml': pod,
  });
  const client = new LspClient({ root: ws.root });
  before(async () => {
    await client.initialize();
    await client.waitFor('kyverno/status', (s: any) => !s.indexing && s.policies === 2);
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('given the Pod under the cursor, then the mutation, the failing enforcing validation and the denial come back as data', async () => {
    const result = await client.request('kyverno/admissionPreview', { uri: ws.uri('workloads/web.yaml'), position: positionOf(pod, 'containers') });
    assert.equal(result.source, 'web.yaml');
    assert.deepEqual(result.preview.resource, { kind: 'Pod', name: 'web', namespace: 'shop' });
    assert.equal(result.preview.outcomes.length, 1);
    const [outcome] = result.preview.outcomes;
    assert.deepEqual(outcome.mutations.map((m: any) => [m.policy, m.status, m.changed]), [['add-default-app-label', 'pass', true]]);
    assert.match(outcome.mutations[0].objectYaml, /app: default/);
    assert.deepEqual(outcome.validations.map((v: any) => [v.policy, v.status, v.enforcing]), [['require-app-frontend', 'fail', true]]);
    assert.deepEqual(outcome.verdict, { admitted: false, deniedBy: { policy: 'require-app-frontend', rule: 'require-app-frontend', reason: 'Pods must be labelled app=frontend.' } });
  });

  it('then the Markdown shows the mutation, then the failing validation, then "Denied", with links to the rules', async () => {
    const { markdown } = await client.request('kyverno/admissionPreview', { uri: ws.uri('workloads/web.yaml'), position: { line: 0, character: 0 } });
    const order = ['## 1. Mutations', 'add-default-app-label', 'app: default', '## 2. Validations', '**fail**', '## 3. Verdict', '**Denied**'].map((s) => markdown.indexOf(s));
    assert.ok(order.every((x, i) => x >= 0 && (i === 0 || x > order[i - 1])), markdown);
    assert.ok(markdown.includes(`](${ws.uri('policies/require-app-frontend.yaml')}#L17)`), markdown);
    assert.ok(markdown.includes(`](${ws.uri('policies/add-default-app-label.yaml')}#L`), markdown);
  });

  it('given a kind instead of a document, then a minimal witness is previewed', async () => {
    const result = await client.request('kyverno/admissionPreview', { kind: 'ConfigMap' });
    assert.equal(result.source, 'a minimal ConfigMap');
    assert.equal(result.preview.resource.kind, 'ConfigMap');
    assert.deepEqual(result.preview.outcomes, []);
    assert.match(result.markdown, /No policy in the workspace applies/);
  });

  it('given the cursor in a policy, then a minimal object of its kind, labelled to match its selector, is previewed', async () => {
    const result = await client.request('kyverno/admissionPreview', { uri: ws.uri('policies/add-default-app-label.yaml'), position: { line: 3, character: 4 } });
    assert.equal(result.source, 'a minimal Pod');
    assert.deepEqual(result.preview.matching, ['add-default-app-label', 'require-app-frontend']);
    assert.equal(result.preview.outcomes[0].verdict.admitted, false);
  });

  it('given a document that is not in the workspace, then the request fails with a message', async () => {
    await assert.rejects(client.request('kyverno/admissionPreview', { uri: ws.uri('nowhere.yaml'), position: { line: 0, character: 0 } }), /not in the workspace/);
  });
});
