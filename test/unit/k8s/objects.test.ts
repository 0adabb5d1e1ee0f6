import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asObj, isObj } from '../../../server/src/k8s/objects.ts';

test('an object is a map: not null, not an array, not a scalar', () => {
  assert.equal(isObj({}), true);
  assert.equal(isObj({ a: 1 }), true);
  for (const v of [null, undefined, [], [1], 0, 1, '', 'x', false, true]) assert.equal(isObj(v), false, JSON.stringify(v));
});

test('asObj gives the object itself, and undefined for anything else (falsy scalars included)', () => {
  const o = { spec: {} };
  assert.equal(asObj(o), o);
  for (const v of [null, undefined, [], 0, '', false, 'x']) assert.equal(asObj(v), undefined, JSON.stringify(v));
});
