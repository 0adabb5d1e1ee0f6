// The Enforce impact lens as plain data: where it goes, what it says for Audit and enforcing
// policies, where the peek points (the first failing field), and that a message edit costs no
// simulation of the objects the policy admits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { lensSpots, resolveLens } from '../../../server/src/ide/codeLens.ts';
import { resolveImpactLens } from '../../../server/src/ide/impactLens.ts';
import { ImpactCache } from '../../../server/src/impact/impact.ts';
import { dropAllPolicy } from '../../helpers/dropAllPolicy.ts';

const policy = (action: string, message?: string) => dropAllPolicy(action, message);

const deployment = (name: string, securityContext: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: c
          image: ghcr.io/acme/${name}:1.0.0
${securityContext}`;

const none = '';
const dropAll = '          securityContext:\n            capabilities:\n              drop: [ALL]\n';
const dropSome = '          securityContext:\n            capabilities:\n              drop: [NET_RAW]\n';

function workspace(action: string, extra: Record<string, string> = {}) {
  const index = new WorkspaceIndex();
  const files: Record<string, string> = { '/ws/p.yaml': policy(action), '/ws/a.yaml': deployment('a', none), '/ws/b.yaml': deployment('b', dropAll), '/ws/c.yaml': deployment('c', dropSome), ...extra };
  for (const [file, text] of Object.entries(files)) index.setFile(file, text);
  return { index, files };
}

const impactSpot = (index: WorkspaceIndex) => lensSpots(index.getFile('/ws/p.yaml')!, index).find((s) => s.target.part === 'impact');

test('an Audit policy: the lens on its name says what Enforce would deny; the peek points at each denied object\'s first failing field', () => {
  const { index, files } = workspace('Audit');
  const spot = impactSpot(index)!;
  assert.ok(spot);
  assert.equal(files['/ws/p.yaml'].slice(spot.offset, spot.offset + 'pods-drop-all'.length), 'pods-drop-all');
  const answer = resolveLens(index, spot.target);
  assert.equal(answer.kind, 'impact');
  if (answer.kind !== 'impact') return;
  assert.equal(answer.title, 'Enforce would deny 2 of 3 workloads here');
  assert.deepEqual(answer.denied.map((d) => d.file), ['/ws/a.yaml', '/ws/c.yaml']);
  const at = (d: { file: string; span: { start: number; end: number } }) => files[d.file]!.slice(d.span.start, d.span.end);
  // a has no securityContext: the deepest field written is the container; c's drop list differs.
  assert.deepEqual(answer.denied.map(at), ['name: c\n          image: ghcr.io/acme/a:1.0.0\n', 'drop']);
  assert.match(answer.tooltip, /^Deployment shop\/a: the Pod its controller creates: validation error: Containers must drop every capability/);
});

test('an enforcing policy: "denies N of M"; a policy nothing in the workspace meets has no impact lens; test data does not count', () => {
  assert.equal((resolveLens(workspace('Enforce').index, impactSpot(workspace('Enforce').index)!.target) as { title: string }).title, 'denies 2 of 3 workloads here');
  const empty = new WorkspaceIndex();
  empty.setFile('/ws/p.yaml', policy('Audit'));
  empty.setFile('/ws/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
  assert.equal(impactSpot(empty), undefined);
  const suite = 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: { name: t }\npolicies: [../p.yaml]\nresources: [bad.yaml]\nresults: []\n';
  const { index } = workspace('Audit', { '/ws/tests/kyverno-test.yaml': suite, '/ws/tests/bad.yaml': deployment('bad', none) });
  assert.equal((resolveLens(index, impactSpot(index)!.target) as { title: string }).title, 'Enforce would deny 2 of 3 workloads here');
});

test('typing in the message judges nothing again, and the tooltip quotes the new message', () => {
  const { index } = workspace('Audit');
  const cache = new ImpactCache();
  const policyOf = () => index.getFile('/ws/p.yaml')!.documents[0]!.policy!;
  resolveImpactLens(index, policyOf(), { cache });
  const first = cache.simulations;
  assert.equal(first, 3);
  index.setFile('/ws/p.yaml', policy('Audit', 'Drop ALL, please.'));
  const answer = resolveImpactLens(index, policyOf(), { cache });
  assert.equal(cache.simulations, first);
  assert.match(answer.tooltip, /Drop ALL, please\./);
  assert.doesNotMatch(answer.tooltip, /Containers must drop/);
});
