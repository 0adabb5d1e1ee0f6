// A policy's context entry that reads a ConfigMap says on hover whether the workspace defines it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { hoverAt } from '../../../server/src/ide/hover.ts';
import { configMapRefs } from '../../../server/src/conflicts/configMaps.ts';

const policy = (entry: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: defaults
spec:
  rules:
    - name: add
      match:
        any:
          - resources:
              kinds: [Pod]
      context:
${entry}
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              +(team): "{{ settings.data.team }}"
`;
const configMapEntry = `        - name: settings
          configMap:
            name: team-defaults
            namespace: platform`;
const apiCallEntry = `        - name: settings
          apiCall:
            urlPath: /api/v1/namespaces/platform/configmaps/team-defaults`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-defaults\n  namespace: platform\ndata:\n  team: core\n';

function hoverOn(files: Record<string, string>, file: string, needle: string): string {
  const index = new WorkspaceIndex();
  for (const [path, text] of Object.entries(files)) index.setFile(path, text);
  const indexed = index.getFile(file)!;
  const offset = indexed.text.indexOf(needle) + 1;
  return hoverAt(indexed, offset, new Date(0), { index, uriOf: (f) => `file://${f}`, linesOf: () => undefined })?.markdown ?? '';
}

test('a configMap context entry: found in the workspace, or said to be missing', () => {
  const found = hoverOn({ '/ws/p.yaml': policy(configMapEntry), '/ws/cm.yaml': configMap }, '/ws/p.yaml', 'team-defaults');
  assert.match(found, /Reads ConfigMap `platform\/team-defaults`: defined in the workspace \(\[team-defaults\]\(file:\/\/\/ws\/cm.yaml\)\)/);
  const missing = hoverOn({ '/ws/p.yaml': policy(configMapEntry) }, '/ws/p.yaml', 'team-defaults');
  assert.match(missing, /`platform\/team-defaults`: \*\*not in the workspace\*\*/);
  // Same name in another namespace is another ConfigMap.
  const elsewhere = hoverOn({ '/ws/p.yaml': policy(configMapEntry), '/ws/cm.yaml': configMap.replace('namespace: platform', 'namespace: apps') }, '/ws/p.yaml', 'team-defaults');
  assert.match(elsewhere, /not in the workspace/);
});

test('an apiCall GET of a ConfigMap reads it too; other calls and computed names', () => {
  const found = hoverOn({ '/ws/p.yaml': policy(apiCallEntry), '/ws/cm.yaml': configMap }, '/ws/p.yaml', 'urlPath');
  assert.match(found, /Reads ConfigMap `platform\/team-defaults`: defined in the workspace/);
  assert.deepEqual(configMapRefs({ apiCall: { urlPath: '/api/v1/namespaces/platform/pods' } }), []);
  assert.deepEqual(configMapRefs({ configMap: { name: 'x', namespace: '{{ request.namespace }}' } }), [{ name: 'x', namespace: undefined }]);
  assert.deepEqual(configMapRefs({ expression: 'resource.Get("v1", "configmaps", "ns", "cfg").data.a' }), [{ namespace: 'ns', name: 'cfg' }]);
});
