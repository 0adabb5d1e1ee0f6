import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/yaml/parse.ts';
import { spanOf, pathAt, nodeAt } from '../../../server/src/yaml/paths.ts';

test('a malformed document is reported at its exact range and the others still parse', () => {
  const text = 'a: 1\n---\nb: [1, 2\n---\nc: 3\n';
  const file = parseYaml(text);
  assert.equal(file.documents.length, 3);
  assert.deepEqual(file.documents[0].value, { a: 1 });
  assert.deepEqual(file.documents[2].value, { c: 3 });
  const [error] = file.documents[1].errors;
  assert.equal(error.code, 'yaml/syntax');
  assert.ok(error.span.start >= text.indexOf('b: ['), 'error inside the second document');
  assert.ok(error.span.start < text.indexOf('c: 3'), 'error before the third document');
});

test('an alias bomb stops at the alias limit with a limits finding instead of expanding', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const file = parseYaml(lines.join('\n'), { maxAliasCount: 100, maxDocuments: 10 });
  const [error] = file.documents[0].errors;
  assert.equal(error.code, 'limits/yaml-aliases');
  assert.equal(file.documents[0].value, undefined);
});

test('documents over the count limit are reported once and not parsed into values', () => {
  const text = Array.from({ length: 5 }, (_, i) => `n: ${i}`).join('\n---\n');
  const file = parseYaml(text, { maxAliasCount: 100, maxDocuments: 3 });
  assert.equal(file.documents.length, 3);
  assert.equal(file.errors[0].code, 'limits/document-count');
});

test('spanOf points at a value, at its key, and at the nearest existing ancestor', () => {
  const text = 'spec:\n  rules:\n    - name: r1\n      validate: {}\n';
  const doc = parseYaml(text).documents[0].doc;
  const value = spanOf(doc, ['spec', 'rules', 0, 'name']);
  assert.equal(text.slice(value.start, value.end), 'r1');
  const key = spanOf(doc, ['spec', 'rules', 0, 'name'], 'key');
  assert.equal(text.slice(key.start, key.end), 'name');
  const missing = spanOf(doc, ['spec', 'rules', 0, 'mutate', 'x'], 'key');
  assert.equal(text.slice(missing.start, missing.end), 'name: r1\n      validate: {}\n', 'falls back to the rule map');
});

test('pathAt finds the key or value under an offset', () => {
  const text = 'spec:\n  validationFailureAction: Enforce\n';
  const doc = parseYaml(text).documents[0].doc;
  const onKey = pathAt(doc, text.indexOf('Failure'));
  assert.deepEqual(onKey?.path, ['spec', 'validationFailureAction']);
  assert.equal(onKey?.onKey, true);
  const onValue = pathAt(doc, text.indexOf('Enforce') + 2);
  assert.deepEqual(onValue?.path, ['spec', 'validationFailureAction']);
  assert.equal(onValue?.onKey, false);
  assert.equal(nodeAt(doc, ['spec', 'nothing']), undefined);
});

test('nesting beyond the depth bound is refused with a limits finding, not walked', () => {
  const deep = '['.repeat(300) + ']'.repeat(300);
  const file = parseYaml(`a: ${deep}\n`, { maxAliasCount: 100, maxDocuments: 10, maxDepth: 128 });
  const codes = file.documents[0].errors.map((e) => e.code);
  assert.ok(codes.includes('limits/nesting-depth') || codes.includes('yaml/syntax'), codes.join());
  assert.equal(file.documents[0].value, undefined);
  const shallow = parseYaml(`a: ${'['.repeat(20) + ']'.repeat(20)}\n`);
  assert.deepEqual(shallow.documents[0].errors, []);
});

test('an error at the end of input stays inside the text (found by fuzzing: a lone quote)', () => {
  const file = parseYaml('"');
  for (const e of file.documents[0].errors) assert.ok(e.span.end <= 1 && e.span.start <= e.span.end, JSON.stringify(e.span));
});

test('a repeated key is reported whichever route reads the file (trees wanted, not wanted, or none asked)', () => {
  const text = 'kind: ClusterPolicy\nspec:\n  rules: []\n  rules: []\n';
  for (const wantsTrees of [undefined, () => true, () => false]) {
    const file = parseYaml(text, undefined, wantsTrees);
    const [error] = file.documents[0].errors;
    assert.equal(error?.code, 'yaml/duplicate-key', `wantsTrees: ${wantsTrees}`);
    assert.equal(error.span.start, text.lastIndexOf('rules'));
  }
});
