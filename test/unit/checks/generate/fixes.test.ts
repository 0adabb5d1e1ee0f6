import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unsynchronizedCopyCheck } from '../../../../server/src/checks/generate/unsynchronizedCopy.ts';
import { schemaCheck } from '../../../../server/src/checks/schema/schema.ts';
import { kindsInCel } from '../../../../server/src/checks/generate/targets.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

const fixture = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures/generate/unsynchronized-copy', name), 'utf8');

for (const name of ['legacy-clone.yaml', 'gpol-clone.yaml']) {
  test(`synchronize fixes remove every finding of ${name} and stay schema-valid`, () => {
    let files: Record<string, string> = { '/ws/p.yaml': fixture(name) };
    const before = analyze(files, [unsynchronizedCopyCheck]);
    assert.ok(before.length > 0);
    for (let i = 0; i < before.length; i++) {
      const next = analyze(files, [unsynchronizedCopyCheck])[0];
      files = applyEdits(files, next.fixes![0].edits);
      assert.deepEqual(yamlErrors(files), []);
    }
    assert.deepEqual(analyze(files, [unsynchronizedCopyCheck]), []);
    assert.deepEqual(analyze(files, [schemaCheck]).map((f) => f.message), []);
  });
}

test('the GeneratingPolicy fix creates evaluation.synchronize.enabled', () => {
  const files = { '/ws/p.yaml': fixture('gpol-clone.yaml') };
  const [finding] = analyze(files, [unsynchronizedCopyCheck]);
  const after = applyEdits(files, finding.fixes![0].edits)['/ws/p.yaml'];
  assert.match(after, /\n {2}evaluation:\n {4}synchronize:\n {6}enabled: true\n/);
});

test('kinds in CEL generations: the generated objects, not their roleRef/subjects', () => {
  assert.deepEqual(kindsInCel('[{"kind": dyn("RoleBinding"), "apiVersion": dyn("rbac.authorization.k8s.io/v1"), "roleRef": dyn({"kind": "ClusterRole", "name": "edit"})}]').map((k) => k.kind), ['RoleBinding']);
  assert.deepEqual(kindsInCel('resource.Get("v1", "secrets", "default", "regcred")'), [{ kind: 'Secret', copy: true }]);
});
