import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, isMap, isScalar, type Scalar } from 'yaml';
import { scalarSourceMap } from '../../../server/src/yaml/scalarMap.ts';

/** The scalar under key `e` of a one-map document. */
function scalarOf(text: string): Scalar {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors, []);
  assert.ok(isMap(doc.contents));
  const node = doc.contents.get('e', true);
  assert.ok(isScalar(node));
  return node;
}

/**
 * Every value character that is copied from the source must map onto that same character; a
 * synthesized one (a folded line break, an escape's result) must map onto a line break or
 * the escape's backslash or quote.
 */
function assertExact(text: string, expectedType: Scalar['type'], expectedValue: string): void {
  const node = scalarOf(text);
  assert.equal(node.type, expectedType);
  assert.equal(node.value, expectedValue);
  const map = scalarSourceMap(text, node);
  const value = node.value as string;
  for (let i = 0; i < value.length; i++) {
    const at = map(i);
    const ch = value[i]!;
    const src = text[at];
    if (src === ch) continue;
    const synthesized = (ch === ' ' || ch === '\n') ? src === '\n' || src === '\r' : src === '\\' || src === "'";
    assert.ok(synthesized, `value[${i}]=${JSON.stringify(ch)} mapped to text[${at}]=${JSON.stringify(src)}`);
  }
}

test('plain single line', () => assertExact('e: object.a == 1\n', 'PLAIN', 'object.a == 1'));
test('plain multi-line folds breaks into spaces and keeps blank lines as newlines', () =>
  assertExact('e: object.a ==\n  1 &&\n\n  true   \nx: 1\n', 'PLAIN', 'object.a == 1 &&\ntrue'));
test('single quoted with doubled quotes', () => assertExact("e: 'a == ''x'' && b'\n", 'QUOTE_SINGLE', "a == 'x' && b"));
test('single quoted folded over lines', () => assertExact("e: 'a ==\n   ''x''\n\n   b'\n", 'QUOTE_SINGLE', "a == 'x'\nb"));
test('double quoted with escapes', () => assertExact('e: "a == \\"x\\" \\t \\u00e9 \\\\ b"\n', 'QUOTE_DOUBLE', 'a == "x" \t é \\ b'));
test('double quoted with an escaped line break and a folded one', () =>
  assertExact('e: "abc\\\n    def\n    ghi"\n', 'QUOTE_DOUBLE', 'abcdef ghi'));
test('literal block, clip', () => assertExact('e: |\n  a ==\n    b\n  c\n', 'BLOCK_LITERAL', 'a ==\n  b\nc\n'));
test('literal block, strip', () => assertExact('e: |-\n  a\n  b\n\n\n', 'BLOCK_LITERAL', 'a\nb'));
test('literal block, keep', () => assertExact('e: |+\n  a\n  b\n\n\nx: 1\n', 'BLOCK_LITERAL', 'a\nb\n\n\n'));
test('literal block with explicit indentation indicator', () => assertExact('e: |2\n     a\n   b\n', 'BLOCK_LITERAL', '   a\n b\n'));
test('literal block with indicator and chomping in either order', () => {
  assertExact('e: |2-\n    x\n   y\n', 'BLOCK_LITERAL', '  x\n y');
  assertExact('e: |-2\n    x\n   y\n', 'BLOCK_LITERAL', '  x\n y');
});
test('literal block with leading blank lines', () => assertExact('e: |\n\n\n  a\n  b\n', 'BLOCK_LITERAL', '\n\na\nb\n'));
test('literal block in a sequence', () => {
  const text = 'e:\n  - |\n    object.x\n      && y\n';
  const doc = parseDocument(text);
  const node = (doc.getIn(['e', 0], true)) as Scalar;
  const map = scalarSourceMap(text, node);
  const value = node.value as string;
  for (let i = 0; i < value.length; i++) if (value[i] !== '\n') assert.equal(text[map(i)], value[i]);
});
test('literal block ending the file without a final line break', () => {
  const text = 'a:\n  e: |\n    Object{\n      x: 1\n    }';
  const node = parseDocument(text).getIn(['a', 'e'], true) as Scalar;
  assert.equal(node.value, 'Object{\n  x: 1\n}\n');
  const map = scalarSourceMap(text, node);
  assert.equal(text[map(0)], 'O');
  assert.equal(map(node.value.length - 2), text.length - 1);
});
test('folded block joins lines and keeps more-indented ones', () =>
  assertExact('e: >\n  a\n  b\n\n  c\n    d\n  e\n', 'BLOCK_FOLDED', 'a b\nc\n  d\ne\n'));
test('folded block with indicator and strip', () => assertExact('e: >-1\n  a\n  b\n', 'BLOCK_FOLDED', ' a\n b'));
test('CRLF line endings', () => {
  assertExact('e: |\r\n  a ==\r\n  b\r\n', 'BLOCK_LITERAL', 'a ==\nb\n');
  assertExact('e: >-\r\n  a\r\n  b\r\n', 'BLOCK_FOLDED', 'a b');
  assertExact('e: a\r\n  b\r\n', 'PLAIN', 'a b');
  assertExact("e: 'a\r\n  b'\r\n", 'QUOTE_SINGLE', 'a b');
});
test('a CEL error index lands on the offending character inside a block scalar', () => {
  const text = 'spec:\n  e: |\n    object.spec.containers.all(c,\n      c.image.startsWith(\'x\') &&\n    )\n';
  const doc = parseDocument(text);
  const node = doc.getIn(['spec', 'e'], true) as Scalar;
  const map = scalarSourceMap(text, node);
  const value = node.value as string;
  const closing = value.lastIndexOf(')');
  assert.equal(text[map(closing)], ')');
  assert.equal(map(closing), text.lastIndexOf(')'));
});

test('scalarSpan covers the mapped characters, empty ranges stay empty', async () => {
  const { scalarSpan } = await import('../../../server/src/yaml/scalarMap.ts');
  const text = 'e: >-\n  object.metadata.name ==\n  1\n';
  const node = scalarOf(text);
  const value = node.value as string;
  const at = value.indexOf('name');
  const span = scalarSpan(text, node, at, at + 4);
  assert.equal(text.slice(span.start, span.end), 'name');
  const eof = scalarSpan(text, node, value.length, value.length);
  assert.equal(eof.start, eof.end);
  assert.equal(eof.start, text.indexOf('1') + 1);
});
