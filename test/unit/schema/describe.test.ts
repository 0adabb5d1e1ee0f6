import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionsAt, describeAt, valueCompletionsAt } from '../../../server/src/schema/describe.ts';

const CP = ['kyverno.io', 'ClusterPolicy', 'v1'] as const;

test('hover on a rule field gives its CRD description, type and enum', () => {
  const info = describeAt(...CP, ['spec', 'rules', 0, 'validate', 'failureAction']);
  assert.ok(info, 'failureAction is described');
  assert.match(info.description ?? '', /block\s+the admission review request/);
  assert.equal(info.type, 'string');
  assert.deepEqual(info.enum, ['Audit', 'Enforce']);
  assert.equal(info.required, false);
});

test('hover follows shared definitions ($ref) into context entries', () => {
  const info = describeAt(...CP, ['spec', 'rules', 0, 'context', 2, 'variable', 'jmesPath']);
  assert.ok(info, 'context[].variable.jmesPath is described');
  assert.match(info.description ?? '', /JMESPath/);
  assert.equal(info.type, 'string');
});

test('required and default are reported', () => {
  assert.equal(describeAt(...CP, ['spec', 'rules', 0, 'name'])?.required, true);
  assert.equal(describeAt(...CP, ['spec', 'background'])?.default, true);
});

test('lists and maps get readable types', () => {
  assert.equal(describeAt(...CP, ['spec', 'rules'])?.type, 'list of object');
  assert.equal(describeAt(...CP, ['spec', 'rules', 0, 'match', 'any', 0, 'resources', 'kinds'])?.type, 'list of string');
});

test('a path the schema does not describe, or an unknown kind, gives undefined', () => {
  assert.equal(describeAt(...CP, ['spec', 'nope']), undefined);
  assert.equal(describeAt('kyverno.io', 'Nope', 'v1', ['spec']), undefined);
});

test('key completion lists the object’s fields with required first', () => {
  const keys = completionsAt(...CP, ['spec', 'rules', 0]);
  const names = keys.map((k) => k.key);
  for (const expected of ['name', 'match', 'exclude', 'validate', 'mutate', 'generate', 'context', 'preconditions']) {
    assert.ok(names.includes(expected), `missing ${expected} in ${names.join(', ')}`);
  }
  // A rule requires exactly `match` and `name`: they lead the list.
  assert.deepEqual(keys.slice(0, 2).map((k) => [k.key, k.required]).sort(), [['match', true], ['name', true]]);
  assert.ok(keys.slice(2).every((k) => !k.required), 'only the required keys come first');
  const validate = keys.find((k) => k.key === 'validate');
  assert.equal(validate?.type, 'object');
  assert.match(validate?.description ?? '', /validation/i);
});

test('key completion works for CEL policy kinds', () => {
  const names = completionsAt('policies.kyverno.io', 'ValidatingPolicy', 'v1', ['spec']).map((k) => k.key);
  for (const expected of ['validations', 'matchConstraints', 'variables', 'validationActions']) assert.ok(names.includes(expected), expected);
});

test('value completion offers enums and booleans', () => {
  assert.deepEqual(valueCompletionsAt(...CP, ['spec', 'rules', 0, 'validate', 'failureAction']), ['Audit', 'Enforce']);
  assert.deepEqual(valueCompletionsAt(...CP, ['spec', 'background']), [true, false]);
  assert.deepEqual(valueCompletionsAt(...CP, ['spec', 'rules', 0, 'name']), []);
});
