// The validators scripts/build.mjs compiles into standalone code must judge documents exactly as
// the run-time compilation does, and the analyzer must use them when they are there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseAllDocuments } from 'yaml';
import { standaloneValidators } from '../../../server/src/schema/standalone.ts';
import { SchemaValidator, newAjv, validatorFileName } from '../../../server/src/schema/validate.ts';
import { schemaRegistry } from '../../../server/src/schema/registry.ts';

const fixtures = join(process.cwd(), 'test', 'fixtures', 'schema');
const documents = readdirSync(fixtures).flatMap((name) => parseAllDocuments(readFileSync(join(fixtures, name), 'utf8')).map((d) => d.toJS() as Record<string, unknown>));

test('every schema ajv accepts has a standalone validator with the errors of the run-time one', () => {
  const validators = standaloneValidators();
  assert.equal(validators.length, Object.keys(schemaRegistry).length);
  // Resolved from this project, as the build resolves them when bundling.
  const requireHere = createRequire(join(process.cwd(), 'package.json'));
  const runtime = newAjv();
  let compared = 0;
  for (const { key, code, file } of validators) {
    assert.equal(file, validatorFileName(key));
    const module = { exports: {} as unknown };
    new Function('require', 'module', 'exports', code)(requireHere, module, module.exports);
    const standalone = module.exports as (value: unknown) => boolean & { errors?: unknown };
    const compiled = runtime.compile(schemaRegistry[key] as object);
    const [group, kind, version] = key.split('/');
    const samples = [{}, { spec: 'not an object' }, ...documents.filter((d) => d.kind === kind && d.apiVersion === (group ? `${group}/${version}` : version))];
    for (const sample of samples) {
      const ok = standalone(sample);
      assert.equal(ok, compiled(sample), `${key}: verdict`);
      assert.deepEqual((standalone as unknown as { errors?: unknown }).errors ?? null, compiled.errors ?? null, `${key}: errors`);
      compared++;
    }
  }
  assert.ok(documents.some((d) => d.kind === 'ClusterPolicy'), 'the fixtures hold policies to compare on');
  assert.ok(compared > validators.length * 2);
});

test('the analyzer loads a precompiled validator when there is one, and compiles otherwise', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpa-validators-'));
  try {
    // A stand-in that rejects everything with one error the real schema would never give.
    writeFileSync(join(dir, validatorFileName('kyverno.io/ClusterPolicy/v1')), `module.exports = function v() { v.errors = [{ instancePath: '/spec', schemaPath: '#/required', keyword: 'required', params: { missingProperty: 'fromTheFile' } }]; return false; };`);
    const precompiled = new SchemaValidator(dir).validate('kyverno.io', 'ClusterPolicy', 'v1', { spec: {} });
    assert.ok(precompiled.some((p) => JSON.stringify(p).includes('fromTheFile')), JSON.stringify(precompiled));
    const compiled = new SchemaValidator(undefined).validate('kyverno.io', 'ClusterPolicy', 'v1', { spec: {} });
    assert.ok(!compiled.some((p) => JSON.stringify(p).includes('fromTheFile')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
