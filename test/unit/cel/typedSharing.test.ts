// Typed environments share the registrations of types with no cycle below them; a type on a cycle
// is registered per root, as a fresh walk from that root gives it (a field leading back into the
// walk is dyn). Built one after the other, each environment must check as if it were built alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCel } from '../../../server/src/cel/check.ts';
import type { CelSite } from '../../../server/src/cel/extract.ts';
import { acyclic, type K8sType, type K8sTypeSource } from '../../../server/src/cel/objectType.ts';

const str: K8sType = { kind: 'primitive', name: 'string' };
const obj = (name: string): K8sType => ({ kind: 'object', name });
// Left and Right name each other (a cycle); Leaf hangs below both; FromLeft/FromRight enter the cycle at either end.
const types: Record<string, Record<string, K8sType>> = {
  FromLeft: { kind: str, apiVersion: str, left: obj('Left'), leaf: obj('Leaf') },
  FromRight: { kind: str, apiVersion: str, right: obj('Right'), leaf: obj('Leaf') },
  Left: { name: str, right: obj('Right'), leaves: { kind: 'array', items: obj('Leaf') } },
  Right: { name: str, left: obj('Left') },
  Leaf: { value: str },
};
const newSource = (): K8sTypeSource => ({ typeOfKind: (_v, kind) => (types[kind] ? obj(kind) : undefined), fieldsOf: (name) => types[name] });
const site = (expression: string): CelSite => ({ path: [], expression, role: 'validation', resultType: 'bool', variableNames: [] });
const problems = (source: K8sTypeSource, kind: string, expression: string) =>
  checkCel(site(expression), { types: source, objectKinds: [{ apiVersion: 'v1', kind }] }).map((p) => p.message);

test('types on or above a cycle are not acyclic; the types below are', () => {
  const source = newSource();
  const memo = new Map<string, boolean>();
  assert.deepEqual(['FromLeft', 'Left', 'Right', 'Leaf'].map((n) => acyclic(source, n, memo)), [false, false, false, true]);
});

test('each root sees the cycle cut where its own walk closes it, whichever environment was built first', () => {
  const expectations = (source: K8sTypeSource) => ({
    // From FromLeft: Left is typed, Right under it is typed, and Right's `left` closes the walk (dyn).
    leftTyped: problems(source, 'FromLeft', "object.left.nope == 'x'"),
    rightTyped: problems(source, 'FromLeft', "object.left.right.nope == 'x'"),
    closedAtLeft: problems(source, 'FromLeft', "object.left.right.left.nope == 'x'"),
    // From FromRight: the other way round.
    closedAtRight: problems(source, 'FromRight', "object.right.left.right.nope == 'x'"),
    leftUnderRight: problems(source, 'FromRight', "object.right.left.nope == 'x'"),
    leafShared: problems(source, 'FromRight', "object.leaf.nope == 'x' || object.right.left.leaves[0].value == 'x'"),
  });
  const leftFirst = expectations(newSource());
  const rightFirst = newSource();
  problems(rightFirst, 'FromRight', 'true');
  const afterRight = expectations(rightFirst);
  assert.deepEqual(leftFirst, {
    leftTyped: ["no field 'nope' here in FromLeft"],
    rightTyped: ["no field 'nope' here in FromLeft"],
    closedAtLeft: [],
    closedAtRight: [],
    leftUnderRight: ["no field 'nope' here in FromRight"],
    leafShared: ["no field 'nope' here in FromRight"],
  });
  assert.deepEqual(afterRight, leftFirst);
});
