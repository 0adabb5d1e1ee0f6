import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { classify } from '../../../server/src/model/classify.ts';
import { extractCelSites } from '../../../server/src/cel/extract.ts';
import { objectKindsForSite, kubernetesTypes } from '../../../server/src/cel/kinds.ts';
import { checkCel } from '../../../server/src/cel/check.ts';

function firstSite(yaml: string) {
  const value = parse(yaml);
  const cls = classify(value)!;
  const site = extractCelSites(cls, value)[0]!;
  return { site, kinds: objectKindsForSite(cls, value, site) };
}

const vpol = (resources: string, group = '""', expression = 'true') => `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [${group}]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [${resources}]
  validations:
    - expression: "${expression}"
`;

test('matchConstraints resources resolve to kinds', () => {
  assert.deepEqual(firstSite(vpol('pods')).kinds, [{ apiVersion: 'v1', kind: 'Pod' }]);
  assert.deepEqual(firstSite(vpol('deployments, statefulsets', 'apps')).kinds.map((k) => k.kind), ['Deployment', 'StatefulSet']);
});

test('CRDs, wildcards and subresources leave object untyped', () => {
  assert.deepEqual(firstSite(vpol('widgets', 'example.com')).kinds, []);
  assert.deepEqual(firstSite(vpol('"*"')).kinds, []);
  assert.deepEqual(firstSite(vpol('pods/exec')).kinds, []);
});

test('legacy rules resolve their match kinds per rule', () => {
  const { kinds } = firstSite(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
    - name: r
      match:
        any: [{resources: {kinds: [Pod, apps/v1/Deployment]}}]
      validate:
        cel:
          expressions: [{expression: "true"}]
`);
  assert.deepEqual(kinds, [{ apiVersion: 'v1', kind: 'Pod' }, { apiVersion: 'apps/v1', kind: 'Deployment' }]);
});

test('with the real Kubernetes types, a misspelt Pod field is flagged and a kind-branching expression is not', () => {
  const misspelt = firstSite(vpol('pods', '""', 'object.spec.containers.all(c, c.imagePullPolicyy != \'Always\')'));
  const [p] = checkCel(misspelt.site, { objectKinds: misspelt.kinds, types: kubernetesTypes });
  assert.equal(p?.code, 'cel/type');
  assert.equal(misspelt.site.expression.slice(p!.start, p!.end), 'imagePullPolicyy');
  const branching = firstSite(`
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
    - expression: "object.kind == 'Pod' ? object.spec.hostNetwork != true : object.spec.template.spec.hostNetwork != true"
`);
  assert.equal(branching.kinds.length, 2);
  assert.deepEqual(checkCel(branching.site, { objectKinds: branching.kinds, types: kubernetesTypes }), []);
  // Deployment and DaemonSet alone have no spec.hostNetwork: that is certain.
  const wrong = firstSite(vpol('deployments, daemonsets', 'apps', 'object.spec.hostNetwork != true'));
  assert.equal(checkCel(wrong.site, { objectKinds: wrong.kinds, types: kubernetesTypes })[0]?.code, 'cel/type');
});

test('declared variables are typed by their expressions', () => {
  const doc = (expression: string) => `
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: p}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  variables:
    - name: containers
      expression: "object.spec.containers + object.spec.?initContainers.orValue([])"
    - name: cm
      expression: "resource.Get('v1', 'configmaps', 'ns', 'cm')"
  validations:
    - expression: "${expression}"
`;
  const check = (expression: string) => {
    const value = parse(doc(expression));
    const cls = classify(value)!;
    const site = extractCelSites(cls, value).find((s) => s.role === 'validation')!;
    return checkCel(site, { objectKinds: objectKindsForSite(cls, value, site), types: kubernetesTypes });
  };
  const bad = "variables.containers.all(c, c.imagee != '')";
  const [p] = check(bad);
  assert.equal(p?.code, 'cel/type');
  assert.equal(bad.slice(p!.start, p!.end), 'imagee');
  assert.deepEqual(check("variables.containers.all(c, c.image != '') && variables.cm.data.anything == 'x'"), []);
});
