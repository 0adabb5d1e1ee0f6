// The parse's cost is bounded by documents, nodes and entries per collection, each bound reported
// as a limits/* problem where it was hit, with the documents completed before it kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { parseYaml, type ParseLimits } from '../../../server/src/yaml/parse.ts';
import { parseConfig } from '../../../server/src/workspace/config.ts';

const limits = (more: Partial<ParseLimits>): ParseLimits => ({ maxAliasCount: 100, maxDocuments: 5000, ...more });
const doc = (i: number) => `---\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`;

for (const trees of [false, true]) {
  test(`maxDocuments: the documents before the bound are kept, the bound is reported at the first one past it (trees: ${trees})`, () => {
    const text = Array.from({ length: 10 }, (_, i) => doc(i)).join('');
    const file = parseYaml(text, limits({ maxDocuments: 3 }), () => trees);
    assert.deepEqual(file.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name), ['cm-0', 'cm-1', 'cm-2']);
    assert.deepEqual(file.errors.map((e) => [e.code, e.span.start]), [['limits/document-count', text.indexOf('---\nkind: ConfigMap\nmetadata:\n  name: cm-3')]]);
  });

  test(`maxNodes: a file with more nodes stops there; documents completed before are kept (trees: ${trees})`, () => {
    const text = doc(0) + '---\na: [' + '1,'.repeat(200) + '1]\n';
    const file = parseYaml(text, limits({ maxNodes: 100 }), () => trees);
    assert.equal(file.documents.length, 1);
    assert.deepEqual(file.errors.map((e) => e.code), ['limits/yaml-nodes']);
    assert.ok(file.errors[0].span.start > doc(0).length && file.errors[0].span.start <= text.length);
  });

  test(`maxCollectionItems: one list longer than the bound stops the parse, a block list too (trees: ${trees})`, () => {
    for (const text of ['a: [' + '1,'.repeat(1000) + '1]\n', 'a:\n' + '- 1\n'.repeat(1000), 'm:\n' + Array.from({ length: 1000 }, (_, i) => `  k${i}: 1\n`).join('')]) {
      const file = parseYaml(text, limits({ maxCollectionItems: 300 }), () => trees);
      assert.equal(file.documents.length, 0, text.slice(0, 20));
      assert.deepEqual(file.errors.map((e) => e.code), ['limits/collection-items']);
    }
  });

  test(`under every bound nothing is reported (trees: ${trees})`, () => {
    const text = 'a: [' + '1,'.repeat(99) + '1]\n';
    const file = parseYaml(text, limits({ maxCollectionItems: 100, maxNodes: 1000, maxDocuments: 1 }), () => trees);
    assert.deepEqual(file.errors, []);
    assert.equal((file.documents[0].value as { a: number[] }).a.length, 100);
  });
}

test('duplicate keys are the errors `yaml` reports with uniqueKeys (found in one pass)', () => {
  const texts = [
    'a: 1\nb: 2\na: 3\n',
    'm:\n  x: 1\n  y: 2\n  x: 3\nl:\n  - {p: 1, p: 2}\n  - q: 1\n    q: 2\n',
    '1: a\n"1": b\n1: c\n',
    '? [a]\n: 1\n? [a]\n: 2\n',
    'ok: 1\nfine: 2\n',
  ];
  for (const text of texts) {
    const expected = parseAllDocuments(text).flatMap((d) => (Array.isArray(d) ? [] : d.errors.map((e) => [e.code, e.pos[0]])));
    const actual = parseYaml(text).documents.flatMap((d) => d.doc.errors.map((e) => [e.code, e.pos[0]]));
    assert.deepEqual(actual, expected, text);
  }
});

test('the bounds are settings of .kyverno-analyzer.yaml', () => {
  const { config, problems } = parseConfig('maxNodes: 10\nmaxCollectionItems: 20\nmaxParseTime: 30\n');
  assert.deepEqual(problems, []);
  assert.deepEqual([config.maxNodes, config.maxCollectionItems, config.maxParseTime], [10, 20, 30]);
  assert.equal(parseConfig('maxNodes: -1\n').problems.length, 1);
});
