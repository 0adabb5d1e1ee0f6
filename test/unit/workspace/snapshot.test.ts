// A file indexed on a worker thread crosses as plain data (snapshot.ts); on arrival its positions
// still come from its lines when the line reader read it, without parsing the text again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexText } from '../../../server/src/workspace/document.ts';
import { fromSnapshot, toSnapshot } from '../../../server/src/workspace/snapshot.ts';
import { parseYaml, spanInDocument } from '../../../server/src/yaml/parse.ts';
import { spanOf } from '../../../server/src/yaml/paths.ts';

const options = { maxFileSize: 1_000_000, maxDocuments: 100, maxAliasCount: 100 };
const policy = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n  - name: r\n    validate:\n      message: "m"\n';

test('a file read line by line keeps reading its positions from its lines after crossing threads', () => {
  const sent = toSnapshot(indexText('/ws/p.yaml', policy, options));
  const arrived = fromSnapshot(structuredClone(sent), policy, options);
  assert.equal(arrived.yaml?.readByLines, true);
  const document = arrived.documents[0].yaml;
  Object.defineProperty(document, 'doc', { get: () => assert.fail('a tree was built'), configurable: true });
  const path = ['spec', 'rules', 0, 'validate', 'message'];
  assert.deepEqual(spanInDocument(arrived.yaml!, document, path), spanOf(parseYaml(policy).documents[0].doc, path));
});

test('a file the line reader left to the tokeniser builds its tree on arrival when a position is asked', () => {
  const anchored = policy.replace('name: p', 'name: &n p');
  const arrived = fromSnapshot(structuredClone(toSnapshot(indexText('/ws/p.yaml', anchored, options))), anchored, options);
  assert.notEqual(arrived.yaml?.readByLines, true);
  const span = spanInDocument(arrived.yaml!, arrived.documents[0].yaml, ['metadata', 'name']);
  assert.deepEqual(span, spanOf(parseYaml(anchored).documents[0].doc, ['metadata', 'name']));
  assert.equal(anchored.slice(span.start, span.end), 'p');
});
