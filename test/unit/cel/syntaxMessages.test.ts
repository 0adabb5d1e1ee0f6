// CEL syntax errors name what the author wrote and what CEL expected there, never cel-js's token
// names (RPAREN, EOF), at the offending text of the original expression.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCel } from '../../../server/src/cel/compile.ts';
import { dynEnvironment } from '../../../server/src/cel/environment.ts';

const { env } = dynEnvironment();
function error(expression: string): string {
  const result = parseCel(env, expression);
  assert.equal(result.ok, false, expression);
  if (result.ok) return '';
  return `${result.start}-${result.end} ${result.message}`;
}

describe('CEL syntax messages', () => {
  it('a stray closing bracket says nothing is open', () => {
    assert.equal(error('size(x))'), "7-8 Unexpected ')': there is no '(' open to close.");
  });
  it('a missing token says which one, in CEL\'s characters', () => {
    assert.equal(error('x ? y'), "5-5 Unexpected end of the expression: expected ':'.");
    assert.equal(error('f(a b)'), "4-5 Unexpected 'b': expected ')'.");
    assert.equal(error('[1, 2'), "5-5 Unexpected end of the expression: expected ']'.");
  });
  it('a missing operand says a value was expected', () => {
    assert.equal(error(')'), "0-1 Unexpected ')': expected a value (a name, a literal, '(', '[', '{', '!' or '-').");
    assert.equal(error('a + '), "4-4 Unexpected end of the expression: expected a value (a name, a literal, '(', '[', '{', '!' or '-').");
  });
  it('a single = says CEL compares with ==', () => {
    assert.equal(error('a = b'), "2-3 Unexpected '=': CEL compares with '==' and has no assignment.");
  });
  it('inside message construction (rewritten for cel-js) the text shown is the author\'s', () => {
    assert.equal(error('Object{spec: Object.spec{replicas: 1 2}}'), "37-38 Unexpected '2': expected '}'.");
  });
  it('no message names a cel-js token', () => {
    for (const e of ['a.', '{1: 2', 'x in', '1 +* 2', 'a[1', 'x.map(y, y+1', '{"a" 1}', 'a ? b : ', 'a b']) assert.doesNotMatch(error(e), /\b[A-Z]{2,}\b/, e);
  });
});
