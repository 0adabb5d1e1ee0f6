// Hover on a field a rule writes or reads: every other rule in the workspace that touches the same
// field, with links; the schema hover above it stays.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, positionOf, tempWorkspace } from './client.ts';
import { mutateNonRoot } from './texts.ts';

const requireNonRoot = `apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: require-non-root
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["pods"]
  validations:
    - expression: "object.spec.?securityContext.?runAsNonRoot.orValue(false) == true"
      message: "Pods must run as non-root."
`;

describe('hover on a field that rules touch', () => {
  const trueText = mutateNonRoot('non-root-true', true);
  const ws = tempWorkspace({
    'non-root-true.yaml': trueText,
    'non-root-false.yaml': mutateNonRoot('non-root-false', false),
    'require-non-root.yaml': requireNonRoot,
  });
  const client = new LspClient({ root: ws.root });
  before(async () => {
    await client.initialize();
    await client.waitFor('kyverno/status', (s: any) => !s.indexing && s.policies === 3);
  });
  after(() => {
    client.kill();
    ws.dispose();
  });

  it('given two policies writing runAsNonRoot and one reading it, when hovering runAsNonRoot in one, then the other two rules are listed with links', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('non-root-true.yaml') }, position: positionOf(trueText, 'runAsNonRoot', 3) });
    const value: string = hover.contents.value;
    assert.match(value, /\*\*Field `spec\.securityContext\.runAsNonRoot`\*\* — this rule writes it\. 2 other rules touch it:/);
    assert.ok(value.includes(`[non-root-false/non-root-false-rule](${ws.uri('non-root-false.yaml')}#L16) — ClusterPolicy, writes`), value);
    assert.ok(value.includes(`[require-non-root](${ws.uri('require-non-root.yaml')}#L14) — ValidatingPolicy, reads`), value);
    assert.ok(!value.includes('non-root-true.yaml'), 'the hovered rule itself is not listed');
  });

  it('when hovering the object path in a CEL expression, then the mutations writing it are listed', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('require-non-root.yaml') }, position: positionOf(requireNonRoot, 'runAsNonRoot', 2) });
    const value: string = hover.contents.value;
    assert.match(value, /this rule reads it\. 2 other rules touch it/);
    assert.ok(value.includes(`[non-root-true/non-root-true-rule](${ws.uri('non-root-true.yaml')}#L16)`), value);
  });

  it('when hovering a schema field of a policy, then the schema hover is unchanged and has no field section', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: ws.uri('non-root-true.yaml') }, position: positionOf(trueText, 'rules', 2) });
    assert.match(hover.contents.value, /\*\*rules\*\*/);
    assert.doesNotMatch(hover.contents.value, /other rules? touch/);
  });
});
