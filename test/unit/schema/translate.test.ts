// The CRD -> JSON Schema translation rules of scripts/generate-schemas.mjs, on small CRD fragments.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';

// A plain-JS script: imported through a computed specifier so the type checker does not need its types.
const scriptPath = new URL('../../../scripts/generate-schemas.mjs', import.meta.url).href;
interface Generator {
  translate: (node: unknown, opts: { isField: boolean }) => Record<string, unknown>;
  dedupeGroup: (group: string, schemas: unknown[]) => { rewritten: Record<string, unknown>[]; defs: Record<string, unknown> };
}
let translate: Generator['translate'];
let dedupeGroup: Generator['dedupeGroup'];
before(async () => {
  ({ translate, dedupeGroup } = (await import(scriptPath)) as Generator);
});

const compile = (schema: object) => {
  const ajv = new Ajv({ strict: false, logger: false });
  ajv.addKeyword('x-format');
  ajv.addKeyword('x-preserve-unknown-fields');
  return ajv.compile(schema);
};

const crd = (properties: Record<string, unknown>) => ({ type: 'object', properties });

test('x-kubernetes-int-or-string accepts integers and strings, nothing else', () => {
  const v = compile(translate(crd({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } }), { isField: false }));
  assert.equal(v({ port: 8080 }), true);
  assert.equal(v({ port: 'http' }), true);
  assert.equal(v({ port: true }), false);
  assert.equal(v({ port: 1.5 }), false);
});

test('an object with properties rejects unknown keys unless it preserves unknown fields', () => {
  const strict = compile(translate(crd({ a: { type: 'string' } }), { isField: false }));
  assert.equal(strict({ a: 'x', b: 1 }), false);
  const open = compile(translate({ ...crd({ a: { type: 'string' } }), 'x-kubernetes-preserve-unknown-fields': true }, { isField: false }));
  assert.equal(open({ a: 'x', b: { anything: [1] } }), true);
  assert.equal(open({ a: 1 }), false, 'declared properties are still checked');
  const anything = compile(translate(crd({ v: { 'x-kubernetes-preserve-unknown-fields': true } }), { isField: false }));
  assert.equal(anything({ v: 'str' }), true);
  assert.equal(anything({ v: [1, { a: 2 }] }), true);
});

test('an object without properties is free-form (metadata)', () => {
  const v = compile(translate(crd({ metadata: { type: 'object' } }), { isField: false }));
  assert.equal(v({ metadata: { name: 'x', labels: { a: 'b' }, anything: 1 } }), true);
  assert.equal(v({ metadata: 'x' }), false);
});

test('fields accept null (pruned by the apiserver), list items do not', () => {
  const v = compile(translate(crd({
    mode: { type: 'string', enum: ['A', 'B'] },
    list: { type: 'array', items: { type: 'string' } },
    choice: { type: 'object', properties: { x: { type: 'string' }, y: { type: 'string' } }, not: { required: ['x', 'y'] } },
  }), { isField: false }));
  assert.equal(v({ mode: null, list: null, choice: null }), true);
  assert.equal(v({ mode: 'C' }), false);
  assert.equal(v({ list: [null] }), false);
  assert.equal(v({ choice: { x: 'a', y: 'b' } }), false, 'the not-rule still applies to objects');
  assert.equal(v({ choice: { x: 'a' } }), true);
});

test('formats ajv would check differently are kept for hover but not validated', () => {
  const schema = translate(crd({ every: { type: 'string', format: 'duration' }, at: { type: 'string', format: 'date-time' } }), { isField: false });
  const props = schema.properties as Record<string, Record<string, unknown>>;
  assert.equal(props.every.format, undefined);
  assert.equal(props.every['x-format'], 'duration');
  assert.equal(props.at.format, 'date-time');
});

test('descriptions are kept; CEL validations and list markers are dropped', () => {
  const schema = translate(crd({ a: { type: 'array', description: 'A list.', 'x-kubernetes-list-type': 'atomic', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'true' }] } }), { isField: false });
  const a = (schema.properties as Record<string, Record<string, unknown>>).a;
  assert.equal(a.description, 'A list.');
  assert.equal(a['x-kubernetes-list-type'], undefined);
  assert.equal(a['x-kubernetes-validations'], undefined);
});

test('a large subtree repeated across schemas of a group moves to the shared defs once', () => {
  const big = { type: 'object', description: 'x'.repeat(2000), properties: { a: { type: 'string' } } };
  const { rewritten, defs } = dedupeGroup('example.io', [crd({ one: big }), crd({ two: big })]);
  const one = (rewritten[0].properties as Record<string, { $ref?: string }>).one;
  const two = (rewritten[1].properties as Record<string, { $ref?: string }>).two;
  assert.ok(one.$ref?.startsWith('kyverno-analyzer:example.io/_defs#/$defs/'), JSON.stringify(one));
  assert.equal(one.$ref, two.$ref);
  assert.equal(Object.keys(defs.$defs as object).length, 1);
});
