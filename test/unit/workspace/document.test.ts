import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { indexText } from '../../../server/src/workspace/document.ts';
import { readWorkspacePath } from '../../../server/src/workspace/safeRead.ts';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';

const options = { maxFileSize: 1 << 20, maxDocuments: 100, maxAliasCount: 100 };
const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n';

test('Helm templates are skipped with one info, never parsed into errors', () => {
  const indexed = indexText('/w/templates/deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.x }}\n', options);
  assert.equal(indexed.role, 'helm-template');
  assert.deepEqual(indexed.problems.map((p) => [p.code, p.severity]), [['yaml/helm-template', 'info']]);
});

test('Kyverno variables in quotes are not mistaken for Helm templates', () => {
  const indexed = indexText('/w/p.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate:\n      message: "{{ request.object.metadata.name }}"\n      deny: {}\n', options);
  assert.equal(indexed.role, 'workspace');
  assert.equal(indexed.documents[0].policy?.rules[0].name, 'r');
});

test('documents under .chainsaw-test are classified but not modelled as workspace policies', () => {
  const indexed = indexText('/w/p/.chainsaw-test/policy.yaml', 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\n', options);
  assert.equal(indexed.role, 'test-data');
  assert.equal(indexed.documents[0].cls?.kind, 'ClusterPolicy');
  assert.equal(indexed.documents[0].policy, undefined);
});

test('a BOM and CRLF line endings keep positions exact', () => {
  const text = '\ufeffapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\n';
  const indexed = indexText('/w/bom.yaml', text, options);
  assert.equal(indexed.documents[0].resource?.name, 'p');
  const span = indexed.documents[0].yaml.doc.contents && (indexed.documents[0].yaml.doc.get('kind', true) as { range: number[] }).range;
  assert.equal(text.slice(span![0], span![1]), 'Pod');
});

test('binary and invalid UTF-8 files are refused before parsing; oversize files before reading', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kpa-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bin.yaml'), Buffer.from([0x61, 0x00, 0x62]));
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  writeFileSync(join(dir, 'big.yaml'), 'a: 1\n'.repeat(100));
  assert.equal((readWorkspacePath(join(dir, 'bin.yaml'), { roots: [], maxBytes: 1000 }) as { code: string }).code, 'io/binary');
  assert.equal((readWorkspacePath(join(dir, 'latin1.yaml'), { roots: [], maxBytes: 1000 }) as { code: string }).code, 'io/encoding');
  assert.equal((readWorkspacePath(join(dir, 'big.yaml'), { roots: [], maxBytes: 100 }) as { code: string }).code, 'limits/file-size');
  assert.deepEqual(readWorkspacePath(join(dir, 'big.yaml'), { roots: [], maxBytes: 1000 }), { ok: true, text: 'a: 1\n'.repeat(100) });
});

test('the index re-parses only a changed file and derives policies per revision', () => {
  const index = new WorkspaceIndex();
  index.setFile('/w/pod.yaml', pod);
  const first = index.setFile('/w/pod.yaml', pod);
  assert.equal(first.changed, false);
  const before = index.revision;
  index.setFile('/w/pod.yaml', pod.replace('name: p', 'name: q'));
  assert.equal(index.revision, before + 1);
  assert.equal(index.resources()[0].name, 'q');
  index.removeFile('/w/pod.yaml');
  assert.equal(index.resources().length, 0);
});

test('document checks never judge a test assertion: a broken policy under .chainsaw-test gets no schema finding', async () => {
  const { runDocumentChecks } = await import('../../../server/src/checks/run.ts');
  const { allChecks } = await import('../../../server/src/checks/registry.ts');
  const index = new WorkspaceIndex();
  const broken = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  validationFailureActon: Enforce\n';
  const assertion = index.setFile('/w/p/.chainsaw-test/policy.yaml', broken).indexed;
  const real = index.setFile('/w/p/policy.yaml', broken).indexed;
  assert.deepEqual(runDocumentChecks(assertion, allChecks, index.config).map((f) => f.code), []);
  assert.ok(runDocumentChecks(real, allChecks, index.config).some((f) => f.code === 'schema/additionalProperties'));
});
