import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteMessages } from '../../../server/src/cel/messages.ts';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';

test('text without message construction or optional elements is left alone', () => {
  for (const e of ["'a' in {'a': 1}", "{'x{': 'Object{'}.size() == 1", 'a ? {1: 2} : {}', "x.y[?'k']", "// Object{a: 1}\ntrue"]) {
    const r = rewriteMessages(e);
    assert.equal(r.changed, false, e);
    assert.equal(r.text, e);
  }
});

test('every copied character maps back to its original offset', () => {
  const src = "Object{spec: Object.spec{containers: [?x.?y, Object.spec.containers{name: 'a{b'}]}}";
  const r = rewriteMessages(src);
  assert.ok(r.changed);
  for (let i = 0; i < r.text.length; i++) {
    const o = r.toOriginal(i);
    assert.ok(o >= 0 && o <= src.length);
  }
  const at = r.text.indexOf("'a{b'");
  assert.equal(src.slice(r.toOriginal(at), r.toOriginal(at) + 5), "'a{b'");
});

test('a map literal after `in` still evaluates as a map', () => {
  assert.deepEqual(evaluateCel("'a' in {'a': 1} && Object{x: 'a' in {'a': 1}}.x", {}), { ok: true, value: true });
});
