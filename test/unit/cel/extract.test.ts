import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { classify } from '../../../server/src/model/classify.ts';
import { extractCelSites, type CelSite } from '../../../server/src/cel/extract.ts';

function sitesOf(yaml: string): CelSite[] {
  const value = parse(yaml);
  const cls = classify(value);
  assert.ok(cls, 'document must classify');
  return extractCelSites(cls, value);
}

const summary = (sites: CelSite[]): string[] => sites.map((s) => `${s.path.join('.')} ${s.role} ${s.expression}`).sort();

test('ValidatingPolicy: validations, messages, variables, match conditions, audit annotations', () => {
  for (const kind of ['ValidatingPolicy', 'NamespacedValidatingPolicy']) {
    const sites = sitesOf(`
apiVersion: policies.kyverno.io/v1
kind: ${kind}
metadata: {name: p}
spec:
  matchConditions: [{name: m, expression: m1}]
  variables: [{name: v, expression: v1}, {name: w, expression: v2}]
  validations: [{expression: e1, messageExpression: me1, message: plain}]
  auditAnnotations: [{key: k, valueExpression: a1}]
`);
    assert.deepEqual(summary(sites), [
      'spec.auditAnnotations.0.valueExpression auditAnnotation a1',
      'spec.matchConditions.0.expression matchCondition m1',
      'spec.validations.0.expression validation e1',
      'spec.validations.0.messageExpression messageExpression me1',
      'spec.variables.0.expression variable v1',
      'spec.variables.1.expression variable v2',
    ]);
    assert.deepEqual(sites[0]!.variableNames, ['v', 'w']);
    assert.equal(sites.find((s) => s.role === 'validation')!.resultType, 'bool');
    assert.equal(sites.find((s) => s.role === 'messageExpression')!.resultType, 'string');
  }
});

test('MutatingPolicy: apply configurations, JSON patches, target match conditions', () => {
  const sites = sitesOf(`
apiVersion: policies.kyverno.io/v1alpha1
kind: MutatingPolicy
metadata: {name: p}
spec:
  matchConditions: [{name: m, expression: m1}]
  variables: [{name: v, expression: v1}]
  mutations:
    - patchType: ApplyConfiguration
      applyConfiguration: {expression: ac1}
    - patchType: JSONPatch
      jsonPatch: {expression: jp1}
  targetMatchConditions: [{name: t, expression: t1}]
`);
  assert.deepEqual(summary(sites), [
    'spec.matchConditions.0.expression matchCondition m1',
    'spec.mutations.0.applyConfiguration.expression applyConfiguration ac1',
    'spec.mutations.1.jsonPatch.expression jsonPatch jp1',
    'spec.targetMatchConditions.0.expression matchCondition t1',
    'spec.variables.0.expression variable v1',
  ]);
});

test('GeneratingPolicy, DeletingPolicy and PolicyException', () => {
  assert.deepEqual(summary(sitesOf(`
apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: p}
spec:
  variables: [{name: v, expression: v1}]
  generate: [{expression: g1}]
`)), ['spec.generate.0.expression generate g1', 'spec.variables.0.expression variable v1']);
  assert.deepEqual(summary(sitesOf(`
apiVersion: policies.kyverno.io/v1
kind: DeletingPolicy
metadata: {name: p}
spec:
  conditions: [{name: c, expression: d1}]
`)), ['spec.conditions.0.expression deletionCondition d1']);
  assert.deepEqual(summary(sitesOf(`
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: p}
spec:
  matchConditions: [{name: c, expression: x1}]
`)), ['spec.matchConditions.0.expression matchCondition x1']);
});

test('ImageValidatingPolicy: image extractors, references, validations, attestors', () => {
  const sites = sitesOf(`
apiVersion: policies.kyverno.io/v1
kind: ImageValidatingPolicy
metadata: {name: p}
spec:
  matchImageReferences: [{expression: r1}]
  images: [{name: containers, expression: i1}]
  attestors:
    - name: c
      cosign:
        key: {expression: k1}
        keyless: {identities: [{subjectExpression: s1}]}
    - name: n
      notary: {certs: {expression: n1}}
  validations: [{expression: iv1}]
`);
  assert.deepEqual(summary(sites), [
    'spec.attestors.0.cosign.key.expression attestation k1',
    'spec.attestors.0.cosign.keyless.identities.0.subjectExpression attestation s1',
    'spec.attestors.1.notary.certs.expression attestation n1',
    'spec.images.0.expression imageExtractor i1',
    'spec.matchImageReferences.0.expression matchCondition r1',
    'spec.validations.0.expression imageValidation iv1',
  ]);
});

test('Kubernetes ValidatingAdmissionPolicy and MutatingAdmissionPolicy', () => {
  assert.deepEqual(summary(sitesOf(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  matchConditions: [{name: m, expression: m1}]
  variables: [{name: v, expression: v1}]
  validations: [{expression: e1, messageExpression: me1}]
  auditAnnotations: [{key: k, valueExpression: a1}]
`)), [
    'spec.auditAnnotations.0.valueExpression auditAnnotation a1',
    'spec.matchConditions.0.expression matchCondition m1',
    'spec.validations.0.expression validation e1',
    'spec.validations.0.messageExpression messageExpression me1',
    'spec.variables.0.expression variable v1',
  ]);
  assert.deepEqual(summary(sitesOf(`
apiVersion: admissionregistration.k8s.io/v1alpha1
kind: MutatingAdmissionPolicy
metadata: {name: p}
spec:
  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: ac1}}, {patchType: JSONPatch, jsonPatch: {expression: jp1}}]
`)), ['spec.mutations.0.applyConfiguration.expression applyConfiguration ac1', 'spec.mutations.1.jsonPatch.expression jsonPatch jp1']);
  assert.deepEqual(sitesOf(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p}
`), []);
});

test('legacy ClusterPolicy: validate.cel and celPreconditions', () => {
  const sites = sitesOf(`
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
    - name: r
      celPreconditions: [{name: c, expression: pre1}]
      validate:
        cel:
          variables: [{name: v, expression: v1}]
          expressions: [{expression: e1, messageExpression: me1}]
          auditAnnotations: [{key: k, valueExpression: a1}]
`);
  assert.deepEqual(summary(sites), [
    'spec.rules.0.celPreconditions.0.expression precondition pre1',
    'spec.rules.0.validate.cel.auditAnnotations.0.valueExpression auditAnnotation a1',
    'spec.rules.0.validate.cel.expressions.0.expression validation e1',
    'spec.rules.0.validate.cel.expressions.0.messageExpression messageExpression me1',
    'spec.rules.0.validate.cel.variables.0.expression variable v1',
  ]);
  assert.deepEqual(sites.find((s) => s.role === 'validation')!.variableNames, ['v']);
});

test('non-policy documents and malformed specs have no sites', () => {
  assert.deepEqual(sitesOf('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n'), []);
  assert.deepEqual(sitesOf('apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: p}\nspec: {validations: [{expression: 3}, null]}\n'), []);
});
