// Short property run: no input makes the CEL layer throw (the long run belongs to test/fuzz/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkCel } from '../../../server/src/cel/check.ts';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';
import { celMutationWrites } from '../../../server/src/cel/writes.ts';
import { rewriteMessages } from '../../../server/src/cel/messages.ts';

const pieces = ['object', '.', '?', '.?', 'spec', 'Object', '{', '}', '[', ']', '(', ')', ',', ':', "'a'", '"b"', '1', '2.5', 'has', 'all', 'map',
  '(c, c)', '+', '==', '&&', '||', '!', ' ', '\n', 'in', 'JSONPatch', 'op', 'path', 'quantity', 'matches', "'(a+)+'", 'r"x"', '//', 'variables', 'x'];
const expression = fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((p) => p.join('')));

test('checkCel, evaluateCel, celMutationWrites and the rewrite never throw', () => {
  fc.assert(fc.property(expression, (e) => {
    const problems = checkCel({ path: [], expression: e, role: 'validation', resultType: 'bool', variableNames: ['x'] });
    for (const p of problems) assert.ok(p.start >= 0 && p.end >= p.start && p.end <= e.length, JSON.stringify({ e, p }));
    const r = evaluateCel(e, { object: { spec: { a: 1 } }, variables: { x: [1, 2] } }, { costLimit: 10_000 });
    assert.equal(typeof r.ok, 'boolean');
    celMutationWrites(e);
    const rw = rewriteMessages(e);
    for (let i = 0; i <= rw.text.length; i++) assert.ok(rw.toOriginal(i) <= e.length);
  }), { numRuns: 1500 });
});
