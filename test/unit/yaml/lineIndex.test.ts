import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../../server/src/yaml/lineIndex.ts';

test('offsets map to 0-based lines and UTF-16 characters, and back', () => {
  const text = 'a: 1\nbé: 😀x\n';
  const lines = new LineIndex(text);
  const x = text.indexOf('x');
  assert.deepEqual(lines.positionAt(x), { line: 1, character: 6 }); // 'bé: ' is 4, the emoji is 2 UTF-16 units
  assert.equal(lines.offsetAt({ line: 1, character: 6 }), x);
});

test('CRLF and lone CR each end one line', () => {
  const lines = new LineIndex('a\r\nb\rc\n');
  assert.deepEqual(lines.positionAt(3), { line: 1, character: 0 });
  assert.deepEqual(lines.positionAt(5), { line: 2, character: 0 });
  assert.equal(lines.lineCount, 4);
});

test('positions past the end clamp to the text', () => {
  const lines = new LineIndex('ab');
  assert.deepEqual(lines.positionAt(99), { line: 0, character: 2 });
  assert.equal(lines.offsetAt({ line: 7, character: 0 }), 2);
  assert.equal(lines.offsetAt({ line: 0, character: 99 }), 2);
});
