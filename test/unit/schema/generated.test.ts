// The committed output of scripts/generate-schemas.mjs is consistent and keeps what hover needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaRegistry, sharedDefs } from '../../../server/src/schema/registry.ts';
import { SchemaValidator } from '../../../server/src/schema/validate.ts';

const schemasDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../schemas');
const index = JSON.parse(readFileSync(join(schemasDir, 'index.json'), 'utf8')) as {
  schemas: { group: string; kind: string; version: string; file: string }[];
  sharedDefs: { id: string; file: string }[];
};

test('index.json and the registry list the same schemas, and every file exists', () => {
  const fromIndex = index.schemas.map((s) => `${s.group}/${s.kind}/${s.version}`).sort();
  assert.deepEqual(Object.keys(schemaRegistry).sort(), fromIndex);
  for (const s of index.schemas) assert.ok(existsSync(join(schemasDir, s.file)), s.file);
  assert.deepEqual(Object.keys(sharedDefs).sort(), index.sharedDefs.map((d) => d.id).sort());
});

test('every Kyverno kind the workspace classifies has a schema', () => {
  const expected = [
    'kyverno.io/ClusterPolicy/v1', 'kyverno.io/Policy/v1', 'kyverno.io/ClusterPolicy/v2beta1',
    'kyverno.io/CleanupPolicy/v2', 'kyverno.io/ClusterCleanupPolicy/v2', 'kyverno.io/PolicyException/v2',
    'kyverno.io/GlobalContextEntry/v2alpha1',
    'policies.kyverno.io/ValidatingPolicy/v1', 'policies.kyverno.io/MutatingPolicy/v1alpha1',
    'policies.kyverno.io/GeneratingPolicy/v1beta1', 'policies.kyverno.io/DeletingPolicy/v1',
    'policies.kyverno.io/ImageValidatingPolicy/v1', 'policies.kyverno.io/PolicyException/v1',
    'policies.kyverno.io/NamespacedValidatingPolicy/v1beta1',
    'cli.kyverno.io/Test/v1alpha1', 'cli.kyverno.io/Values/v1alpha1', 'cli.kyverno.io/UserInfo/v1alpha1',
    'cli.kyverno.io/Context/v1alpha1',
  ];
  for (const key of expected) assert.ok(schemaRegistry[key], `no schema for ${key}`);
});

test('the top level admits any metadata and keeps descriptions for hover', () => {
  const root = schemaRegistry['kyverno.io/ClusterPolicy/v1'] as {
    description?: string;
    properties: Record<string, { type?: string; additionalProperties?: unknown; properties?: unknown; description?: string }>;
  };
  assert.match(root.description ?? '', /ClusterPolicy declares/);
  assert.equal(root.properties.metadata.type, 'object');
  assert.equal(root.properties.metadata.additionalProperties, undefined, 'metadata must not forbid keys');
  assert.equal(root.properties.metadata.properties, undefined, 'metadata must not constrain its fields');
  assert.match(root.properties.spec.description ?? '', /policy/i);
});

test('every generated schema compiles under ajv and rejects an unknown top-level key', () => {
  // A schema ajv cannot compile validates nothing (the validator then stays silent), so a problem
  // reported for each one proves it compiled.
  const validator = new SchemaValidator();
  for (const key of Object.keys(schemaRegistry)) {
    const [group, kind, version] = [key.split('/').slice(0, -2).join('/'), ...key.split('/').slice(-2)];
    const problems = validator.validate(group, kind, version, { spec: 1, unknownTopLevelKey: true });
    assert.ok(problems.some((p) => p.code === 'schema/additionalProperties' && p.path[0] === 'unknownTopLevelKey'), `${key}: ${JSON.stringify(problems)}`);
  }
});
