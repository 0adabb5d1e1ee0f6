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

  // A text the line reader leaves to the tokeniser (an anchor) is parsed with its trees; the edited
  // document keeps them.
  const anchored = (name: string) => policy(name).replace('message: ', 'message: &m ');
  state.edited.add(file); // what didChange does
  state.open.set(file, { uri: 'file:///ws/p.yaml', version: 2, text: anchored('ab') });
  state.updateText(file, anchored('ab'));
  assert.equal(holdsTree(state, file), true, 'being edited');
  state.updateText(file, anchored('abc'));
  assert.equal(holdsTree(state, file), true, 'still being edited');

  state.edited.delete(file); // closed: the text on disk comes back without its tree
  state.open.delete(file);
  state.updateText(file, anchored('a'));
  assert.equal(holdsTree(state, file), false, 'closed');
});

test('an edited document the line reader reads holds no tree: its positions come from its lines, or from a tree built when asked', () => {
  const state = new ServerState(allChecks, () => {});
  const file = '/ws/p.yaml';
  state.edited.add(file);
  state.open.set(file, { uri: 'file:///ws/p.yaml', version: 2, text: policy('ab') });
  state.updateText(file, policy('ab'));
  assert.equal(holdsTree(state, file), false);
  const span = state.index.spanOf({ file, docIndex: 0, path: ['spec', 'rules', 0, 'validate', 'message'] }, 'value');
  assert.equal(policy('ab').slice(span.start, span.end), '"no host path"');
  const doc = state.index.getFile(file)!.documents[0].yaml.doc;
  assert.equal(String(doc.getIn(['metadata', 'name'])), 'ab', 'the tree, built when asked');
});
