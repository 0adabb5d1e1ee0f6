// The server's open-document store applies incremental edits with a line table updated in place:
// after any sequence of edits its text and positions must be those of the text rebuilt from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenText } from '../../server/src/lsp/openText.ts';
import { LineIndex } from '../../server/src/yaml/lineIndex.ts';

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const pieces = ['a', 'key: value', '\n', '\r\n', '\r', '  - x\n', '', 'é', '\n\n', 'z\r'];

test('random incremental edits (LF, CRLF, lone CR, multi-line) leave the same text and positions as a fresh line index', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const pick = () => pieces[Math.floor(next() * pieces.length)]!;
    let text = Array.from({ length: 30 }, pick).join('');
    const doc = new OpenText('file:///x.yaml', 1, text);
    for (let step = 0; step < 60; step++) {
      const lines = new LineIndex(text);
      const a = Math.floor(next() * (text.length + 1));
      const b = Math.min(text.length, a + Math.floor(next() * 8));
      const inserted = Array.from({ length: Math.floor(next() * 3) }, pick).join('');
      const range = { start: lines.positionAt(a), end: lines.positionAt(b) };
      doc.positionAt(0); // the line table exists before the edit, so the edit updates it in place
      doc.update([{ range, text: inserted }], step + 2);
      text = text.slice(0, lines.offsetAt(range.start)) + inserted + text.slice(lines.offsetAt(range.end));
      // Reading the text joins its pieces: read it only now and then, so that edits pile up as pieces.
      if (step % 7 !== 6) continue;
      assert.equal(doc.text, text, `seed ${seed} step ${step}`);
      const fresh = new LineIndex(text);
      for (let offset = 0; offset <= text.length; offset++) {
        assert.deepEqual(doc.positionAt(offset), fresh.positionAt(offset), `seed ${seed} step ${step} offset ${offset}`);
      }
      for (let line = 0; line <= fresh.lineCount; line++) {
        for (const character of [0, 1, 3, 100]) assert.equal(doc.offsetAt({ line, character }), fresh.offsetAt({ line, character }));
      }
    }
    assert.equal(doc.text, text);
    assert.equal(doc.version, 61);
  }
});

test('a full-text change replaces the text and its lines', () => {
  const doc = new OpenText('file:///x.yaml', 1, 'a\nb\n');
  doc.positionAt(3);
  doc.update([{ text: 'only\r\nthis' }], 2);
  assert.equal(doc.text, 'only\r\nthis');
  assert.deepEqual(doc.positionAt(7), { line: 1, character: 1 });
});

test('an edit that adds thousands of lines (past the table\'s spare room) keeps every position', () => {
  let text = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
  const doc = new OpenText('file:///x.yaml', 1, text);
  for (let round = 0; round < 3; round++) {
    const inserted = Array.from({ length: 1500 }, (_, i) => `new ${round}.${i}\n`).join('');
    const at = { line: 250, character: 2 };
    const offset = new LineIndex(text).offsetAt(at);
    doc.update([{ range: { start: at, end: at }, text: inserted }], round + 2);
    text = text.slice(0, offset) + inserted + text.slice(offset);
  }
  assert.equal(doc.text, text);
  const fresh = new LineIndex(text);
  for (let offset = 0; offset <= text.length; offset += 7) assert.deepEqual(doc.positionAt(offset), fresh.positionAt(offset));
  for (let line = 0; line <= fresh.lineCount; line++) assert.equal(doc.offsetAt({ line, character: 3 }), fresh.offsetAt({ line, character: 3 }));
});
