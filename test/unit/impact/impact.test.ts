// The Enforce impact preview over small inline workspaces: what each validation denies, how many
// objects it evaluated, and that the verdict cache answers a message edit without simulating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { ImpactCache, impactOf, objectsOf } from '../../../server/src/impact/impact.ts';
import { dropAllPolicy } from '../../helpers/dropAllPolicy.ts';

const podOnly = (message: string, action = 'Audit') => dropAllPolicy(action, message);

const labelsPolicy = `apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: deployments-need-team
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [deployments]
  validations:
    - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
      message: Deployments need a team label.
`;

const deployment = (name: string, dropAll: boolean, team = false) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
${team ? '  labels: { team: web }\n' : ''}spec:
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: c
          image: ghcr.io/acme/${name}:1.0.0
${dropAll ? '          securityContext:\n            capabilities:\n              drop: [ALL]\n' : ''}`;

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata: { a: b }\n';

function workspace(files: Record<string, string>) {
  const index = new WorkspaceIndex();
  for (const [file, text] of Object.entries(files)) index.setFile(file, text);
  return index;
}

test('a Pod-only Audit policy denies the Deployments whose Pods fail it, evaluated over every workload it meets', () => {
  const index = workspace({
    '/ws/p.yaml': podOnly('Containers must drop every capability.'),
    '/ws/a.yaml': deployment('a', false),
    '/ws/b.yaml': deployment('b', true),
    '/ws/c.yaml': deployment('c', false),
    '/ws/cm.yaml': configMap,
  });
  const [impact] = impactOf(index.policies(), objectsOf(index.resources()));
  assert.equal(impact!.policy.name, 'pods-drop-all');
  assert.equal(impact!.mode, 'Audit');
  assert.equal(impact!.evaluated, 3);
  assert.deepEqual(impact!.denied.map((d) => [d.object.name, d.via, d.rule]), [['a', 'Pod', 'drop-all'], ['c', 'Pod', 'drop-all']]);
  assert.match(impact!.denied[0]!.message, /Containers must drop every capability/);
  assert.equal(impact!.denied[0]!.field, '/spec/containers/0/securityContext/');
});

test('a CEL ValidatingPolicy that denies the Deployment itself: denied without a via, mode Enforce', () => {
  const index = workspace({ '/ws/v.yaml': labelsPolicy, '/ws/a.yaml': deployment('a', true, true), '/ws/b.yaml': deployment('b', true), '/ws/cm.yaml': configMap });
  const [impact] = impactOf(index.policies(), objectsOf(index.resources()));
  assert.equal(impact!.mode, 'Enforce');
  assert.equal(impact!.evaluated, 2);
  assert.deepEqual(impact!.denied.map((d) => [d.object.name, d.via]), [['b', undefined]]);
  assert.match(impact!.denied[0]!.message, /team label/);
});

test('with the cache, a message edit judges nothing again (the denial quotes the new message); a message with variables is judged again; a pattern edit judges every object again', () => {
  const cache = new ImpactCache();
  const files = { '/ws/p.yaml': podOnly('one'), '/ws/a.yaml': deployment('a', false), '/ws/b.yaml': deployment('b', true) };
  const index = workspace(files);
  assert.equal(impactOf(index.policies(), objectsOf(index.resources()), { cache })[0]!.denied.length, 1);
  const first = cache.simulations;
  assert.equal(first, 2);
  index.setFile('/ws/p.yaml', podOnly('two'));
  const again = impactOf(index.policies(), objectsOf(index.resources()), { cache })[0]!;
  assert.equal(cache.simulations, first);
  assert.deepEqual([again.evaluated, again.denied.length], [2, 1]);
  assert.match(again.denied[0]!.message, /validation error: two \(failed at path/);
  index.setFile('/ws/p.yaml', podOnly('"{{ request.object.metadata.name }} drops nothing"'));
  const named = impactOf(index.policies(), objectsOf(index.resources()), { cache })[0]!;
  assert.equal(cache.simulations, first + 1, 'only the denied object, whose message the engine writes');
  assert.match(named.denied[0]!.message, /drops nothing/);
  index.setFile('/ws/p.yaml', podOnly('two').replace('drop: [ALL]', 'drop: [NET_RAW]'));
  impactOf(index.policies(), objectsOf(index.resources()), { cache });
  assert.equal(cache.simulations, first + 3);
});

test('tool documents are not cluster objects: kyverno test suites, Chainsaw tests and configurations, Kustomizations', () => {
  const index = workspace({
    '/ws/cm.yaml': configMap,
    '/ws/chainsaw-test.yaml': 'apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: { name: t }\nspec: { steps: [] }\n',
    '/ws/.chainsaw.yaml': 'apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Configuration\nmetadata: { name: c }\nspec: {}\n',
    '/ws/kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: { name: t }\npolicies: []\nresources: []\nresults: []\n',
    '/ws/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n',
  });
  assert.deepEqual(objectsOf(index.resources()).map((o) => o.kind), ['ConfigMap']);
});
