import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateOperator } from '../../../../server/src/engine/legacy/operators.ts';
import { evaluateConditions } from '../../../../server/src/engine/legacy/conditions.ts';

const op = (o: string, k: unknown, v: unknown) => evaluateOperator(o, k, v);

test('Equals / NotEquals: wildcards on the value side, typed comparisons', () => {
  assert.equal(op('Equals', 'nginx:1.2', 'nginx:*'), true);
  assert.equal(op('Equals', 'redis', 'nginx:*'), false);
  assert.equal(op('Equals', 3, '3'), true);
  assert.equal(op('Equals', true, 'true'), false);
  assert.equal(op('Equals', { a: 1 }, { a: 1 }), true);
  assert.equal(op('Equals', ['a'], ['b']), false);
  assert.equal(op('Equals', '1Gi', '1024Mi'), true);
  assert.equal(op('Equals', '1h', '60m'), true);
  assert.equal(op('NotEquals', 'a', 'b'), true);
  assert.equal(op('NotEquals', 'a', 'a'), false);
  assert.equal(op('NotEquals', null, 'a'), false);
});

test('AnyIn / AllIn / AnyNotIn / AllNotIn with lists, wildcards and JSON strings', () => {
  assert.equal(op('AnyIn', ['a', 'x'], ['a', 'b']), true);
  assert.equal(op('AnyIn', ['x', 'y'], ['a', 'b']), false);
  assert.equal(op('AllIn', ['a', 'b'], ['a', 'b', 'c']), true);
  assert.equal(op('AllIn', ['a', 'z'], ['a', 'b', 'c']), false);
  assert.equal(op('AnyIn', 'kube-system', ['kube-*']), true);
  assert.equal(op('AnyIn', 'default', '["default","prod"]'), true);
  assert.equal(op('AnyNotIn', ['a', 'z'], ['a', 'b']), true);
  assert.equal(op('AnyNotIn', ['a'], ['a', 'b']), false);
  assert.equal(op('AllNotIn', ['x', 'y'], ['a', 'b']), true);
  assert.equal(op('AllNotIn', ['x', 'a'], ['a', 'b']), false);
  assert.equal(op('AnyIn', [5], '1-10'), true);
  assert.equal(op('AnyIn', [50], '1-10'), false);
});

test('deprecated In / NotIn', () => {
  assert.equal(op('In', 'a', ['a', 'b']), true);
  assert.equal(op('In', 'c', ['a', 'b']), false);
  assert.equal(op('NotIn', 'c', ['a', 'b']), true);
  assert.equal(op('NotIn', 'a', ['a', 'b']), false);
});

test('numeric operators with quantities, durations and numbers', () => {
  assert.equal(op('GreaterThan', '2Gi', '1Gi'), true);
  assert.equal(op('GreaterThan', '512Mi', '1Gi'), false);
  assert.equal(op('LessThanOrEquals', 3, '3'), true);
  assert.equal(op('LessThan', 4, 3), false);
  assert.equal(op('GreaterThanOrEquals', '2h', '90m'), true);
  assert.equal(op('GreaterThanOrEquals', '1h', '90m'), false);
  assert.equal(op('GreaterThan', '1.2.10', '1.2.9'), true);
  assert.equal(op('GreaterThan', 'abc', 1), false);
});

test('Duration* operators', () => {
  assert.equal(op('DurationGreaterThan', '2h', '1h'), true);
  assert.equal(op('DurationGreaterThan', '30m', '1h'), false);
  assert.equal(op('DurationLessThanOrEquals', 60, '1m'), true);
});

test('unknown operator is reported as such', () => {
  assert.equal(op('Resembles', 'a', 'a'), undefined);
});

test('any/all blocks and the legacy list form, with variables', () => {
  const data = { request: { operation: 'CREATE', object: { metadata: { name: 'x' } } } };
  assert.equal(evaluateConditions({ any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' }, { key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' }] }, data).result, true);
  assert.equal(evaluateConditions({ all: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' }, { key: '{{ request.object.metadata.name }}', operator: 'Equals', value: 'y' }] }, data).result, false);
  assert.equal(evaluateConditions([{ key: '{{ request.operation }}', operator: 'NotEquals', value: 'DELETE' }], data).result, true);
  assert.equal(evaluateConditions({ any: [] }, data).result, false);
});

test('an unresolvable variable in a condition reads as an empty string', () => {
  const data = { request: { object: { metadata: {} } } };
  assert.equal(evaluateConditions({ all: [{ key: '{{ request.object.metadata.labels.app }}', operator: 'Equals', value: '' }] }, data).result, true);
  assert.equal(evaluateConditions({ all: [{ key: '{{ request.object.metadata.labels.app }}', operator: 'Equals', value: 'web' }] }, data).result, false);
});
