import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPattern } from '../../../../server/src/engine/legacy/pattern.ts';
import { matchValue } from '../../../../server/src/engine/legacy/valuePattern.ts';

const pod = (containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' }, ...extra },
  spec: { containers },
});

test('wildcards: ?* requires a non-empty value, * matches anything present', () => {
  assert.equal(matchValue('nginx', '?*'), true);
  assert.equal(matchValue('', '?*'), false);
  assert.equal(matchValue(undefined, '?*'), false);
  assert.equal(matchValue('registry.io/app:1', 'registry.io/*'), true);
  assert.equal(matchValue('docker.io/app:1', 'registry.io/*'), false);
});

test('value operators: !, |, &, comparisons, ranges', () => {
  assert.equal(matchValue('nginx:1.2', '!*:latest'), true);
  assert.equal(matchValue('nginx:latest', '!*:latest'), false);
  assert.equal(matchValue('Always', 'Always | IfNotPresent'), true);
  assert.equal(matchValue('Never', 'Always | IfNotPresent'), false);
  assert.equal(matchValue(5, '>3 & <10'), true);
  assert.equal(matchValue(12, '>3 & <10'), false);
  assert.equal(matchValue(1000, '>=1000'), true);
  assert.equal(matchValue(999, '>=1000'), false);
  assert.equal(matchValue(5, '1-10'), true);
  assert.equal(matchValue(11, '1-10'), false);
  assert.equal(matchValue(11, '1!-10'), true);
  assert.equal(matchValue(5, '1!-10'), false);
});

test('quantities and durations compare by value', () => {
  assert.equal(matchValue('512Mi', '<=1Gi'), true);
  assert.equal(matchValue('2Gi', '<=1Gi'), false);
  assert.equal(matchValue('500m', '<1'), true);
  assert.equal(matchValue('1500m', '<1'), false);
  assert.equal(matchValue('90s', '>1m'), true);
  assert.equal(matchValue('30s', '>1m'), false);
});

test('typed leaves: numbers, booleans and null', () => {
  assert.equal(matchValue(80, 80), true);
  assert.equal(matchValue('80', 80), true);
  assert.equal(matchValue(81, 80), false);
  assert.equal(matchValue(true, true), true);
  assert.equal(matchValue('true', true), false);
  assert.equal(matchValue(undefined, null), true);
  assert.equal(matchValue('x', null), false);
});

test('plain pattern: every list element must match', () => {
  const pattern = { spec: { containers: [{ image: '!*:latest' }] } };
  assert.deepEqual(matchPattern(pod([{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis:7' }]), pattern), { ok: true });
  const r = matchPattern(pod([{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'redis:latest' }]), pattern);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.skip, false);
});

test('conditional anchor: a failing condition skips, a holding one enforces the rest', () => {
  const pattern = { spec: { containers: [{ '(name)': 'nginx*', image: '!*:latest' }] } };
  const skipped = matchPattern(pod([{ name: 'redis', image: 'redis:latest' }]), pattern);
  assert.equal(!skipped.ok && skipped.skip, true);
  const failed = matchPattern(pod([{ name: 'nginx-1', image: 'nginx:latest' }]), pattern);
  assert.equal(!failed.ok && !failed.skip, true);
  assert.deepEqual(matchPattern(pod([{ name: 'nginx-1', image: 'nginx:1' }, { name: 'redis', image: 'redis:latest' }]), pattern), { ok: true });
});

test('equality anchor: checked only when the key is present', () => {
  const pattern = { spec: { '=(hostNetwork)': false } };
  assert.deepEqual(matchPattern(pod([]), pattern), { ok: true });
  const r = matchPattern({ ...pod([]), spec: { hostNetwork: true } }, pattern);
  assert.equal(!r.ok && !r.skip, true);
});

test('negation anchor: the key must be absent', () => {
  const pattern = { spec: { 'X(hostPath)': 'null' } };
  assert.deepEqual(matchPattern({ spec: {} }, pattern), { ok: true });
  const r = matchPattern({ spec: { hostPath: { path: '/' } } }, pattern);
  assert.equal(!r.ok && !r.skip, true);
});

test('global anchor: a mismatch skips the whole rule', () => {
  const pattern = { spec: { containers: [{ '<(image)': 'registry.io/*' }], imagePullSecrets: [{ name: 'regcred' }] } };
  const skipped = matchPattern({ spec: { containers: [{ image: 'docker.io/x' }] } }, pattern);
  assert.equal(!skipped.ok && skipped.skip, true);
  const failed = matchPattern({ spec: { containers: [{ image: 'registry.io/x' }] } }, pattern);
  assert.equal(!failed.ok && !failed.skip, true);
  assert.deepEqual(matchPattern({ spec: { containers: [{ image: 'registry.io/x' }], imagePullSecrets: [{ name: 'regcred' }] } }, pattern), { ok: true });
});

test('existence anchor: at least one element matches', () => {
  const pattern = { spec: { '^(containers)': [{ image: 'nginx*' }] } };
  assert.deepEqual(matchPattern({ spec: { containers: [{ image: 'redis' }, { image: 'nginx:1' }] } }, pattern), { ok: true });
  const r = matchPattern({ spec: { containers: [{ image: 'redis' }] } }, pattern);
  assert.equal(r.ok, false);
});

test('metadata label wildcards expand to matching keys', () => {
  const pattern = { metadata: { labels: { 'app.kubernetes.io/*': '?*' } } };
  assert.deepEqual(matchPattern({ metadata: { labels: { 'app.kubernetes.io/name': 'x' } } }, pattern), { ok: true });
  assert.equal(matchPattern({ metadata: { labels: { team: 'x' } } }, pattern).ok, false);
});

test('structure mismatch fails', () => {
  assert.equal(matchPattern({ spec: 'text' }, { spec: { a: 1 } }).ok, false);
});
