// Kyverno's pure libraries: image references as go-containerregistry parses them, service accounts as Kyverno splits them, gzip and json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';

const parts = (ref: string) => evaluateCel(`[parseImageReference('${ref}').registry(), parseImageReference('${ref}').repository(), parseImageReference('${ref}').tag(), parseImageReference('${ref}').digest(), parseImageReference('${ref}').identifier()]`, {});
const digest = `sha256:${'a'.repeat(64)}`;

test('Docker Hub references: index.docker.io, library/ for one component, latest by default', () => {
  assert.deepEqual(parts('nginx'), { ok: true, value: ['index.docker.io', 'library/nginx', 'latest', '', 'latest'] });
  assert.deepEqual(parts('docker.io/acme/app:1.2'), { ok: true, value: ['index.docker.io', 'acme/app', '1.2', '', '1.2'] });
  assert.deepEqual(parts('ghcr.io/acme/app:v1'), { ok: true, value: ['ghcr.io', 'acme/app', 'v1', '', 'v1'] });
  assert.deepEqual(parts('localhost:5000/app'), { ok: true, value: ['localhost:5000', 'app', 'latest', '', 'latest'] });
});

test('a reference with a digest is a digest reference: no tag, the digest identifies it', () => {
  assert.deepEqual(parts(`ghcr.io/acme/app:v1@${digest}`), { ok: true, value: ['ghcr.io', 'acme/app', '', digest, digest] });
  assert.deepEqual(evaluateCel(`image('nginx@${digest}').containsDigest() && !image('nginx:1').containsDigest()`, {}), { ok: true, value: true });
});

test('what the parser rejects: isImage is false and image() is an error', () => {
  assert.deepEqual(evaluateCel("isImage('Nginx:1') || isImage('nginx@sha256:abc')", {}), { ok: true, value: false });
  assert.equal('error' in evaluateCel("image('UPPER/case')", {}), true);
});

test('parseServiceAccount splits after the prefix at the first colon; other users give empty parts', () => {
  const sa = (u: string) => evaluateCel(`[parseServiceAccount('${u}').Namespace, parseServiceAccount('${u}').Name]`, {});
  assert.deepEqual(sa('system:serviceaccount:kube-system:replicaset-controller'), { ok: true, value: ['kube-system', 'replicaset-controller'] });
  assert.deepEqual(sa('system:serviceaccount:ns:odd:name'), { ok: true, value: ['ns', 'odd:name'] });
  assert.deepEqual(sa('alice'), { ok: true, value: ['', ''] });
});

test('gzip round-trips text and stops a decompression bomb; json.unmarshal reads strings and bytes', () => {
  assert.deepEqual(evaluateCel("gzip.decompress(gzip.compress('kyverno'))", {}), { ok: true, value: 'kyverno' });
  const bomb = `b'${[...gzipSync(Buffer.alloc(20 * 1024 * 1024))].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
  assert.match((evaluateCel(`gzip.decompress(${bomb}).size()`, {}) as { error: string }).error, /gzip/);
  assert.deepEqual(evaluateCel("json.unmarshal(b'{\"a\": 1}').a + json.unmarshal('{\"a\": 2}').a", {}), { ok: true, value: 3 });
});
