// Quick fixes write in the document's own style: its indentation step for new blocks, and the quote
// style of the scalar they replace (or of the document) — one edit never mixes quote styles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { insertFields, replaceScalar, styleOf } from '../../../server/src/checks/cronjob/yamlEdits.ts';

const apply = (text: string, edit: { span: { start: number; end: number }; newText: string } | undefined) => {
  assert.ok(edit, 'an edit');
  return text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
};

describe('fixes in the document\'s style', () => {
  it('a block inserted into a 4-space document nests by 4', () => {
    const text = 'spec:\n    jobTemplate:\n        spec:\n            backoffLimit: 1\n';
    assert.deepEqual(styleOf(text), { step: 4, singleQuote: false });
    const out = apply(text, insertFields('f', parseDocument(text), text, ['spec', 'jobTemplate', 'spec', 'template', 'spec'], { restartPolicy: 'Never' }));
    assert.equal(out, 'spec:\n    jobTemplate:\n        spec:\n            backoffLimit: 1\n            template:\n                spec:\n                    restartPolicy: Never\n');
  });

  it('a document quoting with single quotes gets single quotes where quotes are needed', () => {
    const text = "metadata:\n  labels:\n    app: 'web'\n";
    const out = apply(text, insertFields('f', parseDocument(text), text, ['metadata', 'labels'], { tier: 'a: b' }));
    assert.equal(out, "metadata:\n  labels:\n    app: 'web'\n    tier: 'a: b'\n");
  });

  it('a replaced scalar keeps its quotes', () => {
    for (const [written, expected] of [["'0 3 * * *'", "'0 4 * * *'"], ['"0 3 * * *"', '"0 4 * * *"'], ['0 3 * * *', '0 4 * * *']]) {
      const text = `spec:\n  schedule: ${written}\n`;
      assert.equal(apply(text, replaceScalar('f', parseDocument(text), ['spec', 'schedule'], '0 4 * * *')), `spec:\n  schedule: ${expected}\n`);
    }
  });
});
