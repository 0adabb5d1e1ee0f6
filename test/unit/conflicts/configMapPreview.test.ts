// The Admission Preview of a resource runs the policies with the workspace's ConfigMaps they name:
// a value read from a ConfigMap shows in the final object; a missing ConfigMap leaves the rule unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { admissionPreviewResult } from '../../../server/src/lsp/admissionPreview.ts';

const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: team-from-configmap
spec:
  rules:
    - name: label
      match:
        any:
          - resources:
              kinds: [Pod]
      context:
        - name: settings
          configMap:
            name: team-defaults
            namespace: platform
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              team: "{{ settings.data.team }}"
`;
const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  containers:\n    - name: web\n      image: registry.example/web:1.0\n';
const configMap = (namespace: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-defaults\n  namespace: ${namespace}\ndata:\n  team: payments\n`;

function previewOf(files: Record<string, string>) {
  const index = new WorkspaceIndex();
  for (const [path, text] of Object.entries(files)) index.setFile(path, text);
  return admissionPreviewResult({ uri: 'file:///ws/pod.yaml' }, { index, uriOf: (f) => `file://${f}` }).preview;
}

test('the preview reads a ConfigMap context entry from the workspace by namespace and name', () => {
  const found = previewOf({ '/ws/pod.yaml': pod, '/ws/policy.yaml': policy, '/ws/cm.yaml': configMap('platform') });
  const step = found.outcomes[0].mutations.find((m) => m.policy === 'team-from-configmap');
  assert.equal(step?.status, 'pass');
  assert.match(found.outcomes[0].finalYaml, /team: payments/);
  const without: Record<string, string>[] = [{ '/ws/pod.yaml': pod, '/ws/policy.yaml': policy }, { '/ws/pod.yaml': pod, '/ws/policy.yaml': policy, '/ws/cm.yaml': configMap('other') }];
  for (const files of without) {
    const missing = previewOf(files).outcomes[0].mutations.find((m) => m.policy === 'team-from-configmap');
    assert.equal(missing?.status, 'unknown');
    assert.match(missing?.reason ?? '', /ConfigMap platform\/team-defaults is not among the supplied resources/);
  }
});
