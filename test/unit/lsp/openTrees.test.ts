// Syntax trees are kept for the documents the editor changes, not for every open one: a window that
// restores hundreds of tabs holds one tree per edited document. A released tree is parsed again
// when a position inside it is asked for, with the same positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerState } from '../../../server/src/lsp/state.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';

const policy = (name: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "no host path"
        pattern:
          spec:
            =(volumes):
              - X(hostPath): "null"
`;

/** Whether the document's tree is held (a released one is a getter that parses again). */
const holdsTree = (state: ServerState, file: string) => {
  const yaml = state.index.getFile(file)!.documents[0].yaml;
  return typeof Object.getOwnPropertyDescriptor(yaml, 'doc')?.get !== 'function';
};

test('an opened document keeps no tree until it is edited; then it keeps its tree until closed', () => {
  const state = new ServerState(allChecks, () => {});
  const file = '/ws/p.yaml';
  state.open.set(file, { uri: 'file:///ws/p.yaml', version: 1, text: policy('a') });
  state.updateText(file, policy('a'));
  assert.equal(holdsTree(state, file), false, 'opened only');
  const ref = { file, docIndex: 0, path: ['spec', 'rules', 0, 'validate', 'message'] };
  const span = state.index.spanOf(ref, 'value');
  assert.equal(policy('a').slice(span.start, span.end), '"no host path"', 'a position from the tree parsed again');

  state.edited.add(file); // what didChange does
  state.open.set(file, { uri: 'file:///ws/p.yaml', version: 2, text: policy('ab') });
  state.updateText(file, policy('ab'));
  assert.equal(holdsTree(state, file), true, 'being edited');
  state.updateText(file, policy('abc'));
  assert.equal(holdsTree(state, file), true, 'still being edited');

  state.edited.delete(file); // closed: the text on disk comes back without its tree
  state.open.delete(file);
  state.updateText(file, policy('a'));
  assert.equal(holdsTree(state, file), false, 'closed');
});
