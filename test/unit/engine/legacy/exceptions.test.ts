import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLegacyPolicy } from '../../../../server/src/engine/legacy/index.ts';
import type { AdmissionContext } from '../../../../server/src/engine/types.ts';

type Obj = Record<string, unknown>;

const hostRule = (name = 'host-namespaces'): Obj => ({
  name,
  match: { any: [{ resources: { kinds: ['Pod'] } }] },
  validate: { message: 'no host namespaces', pattern: { spec: { '=(hostNetwork)': false } } },
});
const policy = (opts: { name?: string; kind?: string; namespace?: string; rules?: Obj[]; autogen?: boolean } = {}): Obj => ({
  apiVersion: 'kyverno.io/v1',
  kind: opts.kind ?? 'ClusterPolicy',
  metadata: {
    name: opts.name ?? 'disallow-host-namespaces',
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.autogen ? {} : { annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } }),
  },
  spec: { rules: opts.rules ?? [hostRule()] },
});
const pod = (name: string, namespace = 'delta', labels: Record<string, string> = { app: 'busybox' }): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.35' }] },
});
const deployment = (name: string, namespace = 'delta'): Obj => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox' }] } } },
});
const exception = (spec: Obj, apiVersion = 'kyverno.io/v2'): Obj => ({
  apiVersion, kind: 'PolicyException', metadata: { name: 'delta-exception', namespace: 'delta' },
  spec: {
    exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['host-namespaces'] }],
    match: { any: [{ resources: { kinds: ['Pod', 'Deployment'], namespaces: ['delta'], names: ['important-tool*'] } }] },
    ...spec,
  },
});
const run = (p: Obj, r: Obj, exceptions: Obj[], ctx: Partial<AdmissionContext> = {}) =>
  evaluateLegacyPolicy(p, r, { operation: 'CREATE', namespaceLabels: {}, clusterResources: exceptions, ...ctx }).rules;
const statusOf = (p: Obj, r: Obj, exceptions: Obj[], rule = 'host-namespaces') => run(p, r, exceptions).find((x) => x.rule === rule)!.status;

test('an exception matching policy, rule and resource turns a failing validation into a skip naming it', () => {
  assert.equal(statusOf(policy(), pod('important-tool'), []), 'fail');
  const [r] = run(policy(), pod('important-tool'), [exception({})]);
  assert.equal(r!.status, 'skip');
  assert.match(r!.reason, /policy exception delta\/delta-exception/);
  // v2beta1 is read the same way
  assert.equal(statusOf(policy(), pod('important-tool'), [exception({}, 'kyverno.io/v2beta1')]), 'skip');
});

test('an exception does not apply to another rule, another policy or a resource it does not match', () => {
  const otherRule = exception({ exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['something-else'] }] });
  assert.equal(statusOf(policy(), pod('important-tool'), [otherRule]), 'fail');
  const otherPolicy = exception({ exceptions: [{ policyName: 'another-policy', ruleNames: ['host-namespaces'] }] });
  assert.equal(statusOf(policy(), pod('important-tool'), [otherPolicy]), 'fail');
  assert.equal(statusOf(policy(), pod('other-tool'), [exception({})]), 'fail');
  assert.equal(statusOf(policy(), pod('important-tool', 'prod'), [exception({})]), 'fail');
});

test('the exception conditions must hold, over the request like preconditions', () => {
  const conditions = { any: [{ key: "{{ request.object.metadata.labels.app || '' }}", operator: 'Equals', value: 'busybox' }] };
  assert.equal(statusOf(policy(), pod('important-tool'), [exception({ conditions })]), 'skip');
  assert.equal(statusOf(policy(), pod('important-tool', 'delta', { app: 'nginx' }), [exception({ conditions })]), 'fail');
  assert.equal(statusOf(policy(), pod('important-tool', 'delta', {}), [exception({ conditions: { all: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' }] } })]), 'fail');
});

test('a policies.kyverno.io exception or a match block without any/all excepts nothing', () => {
  assert.equal(statusOf(policy(), pod('important-tool'), [exception({}, 'policies.kyverno.io/v1')]), 'fail');
  assert.equal(statusOf(policy(), pod('important-tool'), [exception({ match: { resources: { kinds: ['Pod'] } } })]), 'fail');
});

test('wildcard rule names cover every rule of the policy, and only that policy', () => {
  const p = policy({ rules: [hostRule('host-network'), hostRule('host-pid')] });
  const wildcard = exception({ exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['*'] }] });
  assert.deepEqual(run(p, pod('important-tool'), [wildcard]).map((r) => r.status), ['skip', 'skip']);
  const prefix = exception({ exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['host-n*'] }] });
  assert.deepEqual(run(p, pod('important-tool'), [prefix]).map((r) => r.status), ['skip', 'fail']);
  assert.deepEqual(run(policy({ name: 'other', rules: [hostRule('host-network')] }), pod('important-tool'), [wildcard]).map((r) => r.status), ['fail']);
});

test('listing the base rule covers its autogen rules; an autogen name covers only itself', () => {
  const p = policy({ autogen: true });
  const rules = run(p, deployment('important-tool'), [exception({})]);
  const autogen = rules.find((r) => r.rule === 'autogen-host-namespaces')!;
  assert.equal(autogen.status, 'skip');
  assert.match(autogen.reason, /policy exception/);
  assert.equal(run(p, deployment('important-tool'), []).find((r) => r.rule === 'autogen-host-namespaces')!.status, 'fail');
  const onlyAutogen = exception({ exceptions: [{ policyName: 'disallow-host-namespaces', ruleNames: ['autogen-host-namespaces'] }] });
  assert.equal(statusOf(p, deployment('important-tool'), [onlyAutogen], 'autogen-host-namespaces'), 'skip');
  assert.equal(statusOf(p, pod('important-tool'), [onlyAutogen]), 'fail');
});

test('a namespaced Policy is referenced as namespace/name', () => {
  const p = policy({ kind: 'Policy', namespace: 'delta' });
  const qualified = exception({ exceptions: [{ policyName: 'delta/disallow-host-namespaces', ruleNames: ['host-namespaces'] }] });
  assert.equal(statusOf(p, pod('important-tool'), [qualified]), 'skip');
  // the bare name refers to a ClusterPolicy
  assert.equal(statusOf(p, pod('important-tool'), [exception({})]), 'fail');
  assert.equal(statusOf(policy(), pod('important-tool'), [qualified]), 'fail');
  const otherNs = exception({ exceptions: [{ policyName: 'team-a/disallow-host-namespaces', ruleNames: ['host-namespaces'] }] });
  assert.equal(statusOf(p, pod('important-tool'), [otherNs]), 'fail');
});

test('exceptions also skip mutate rules, leaving the resource unpatched', () => {
  const p = policy({ rules: [{ name: 'host-namespaces', match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { mutated: 'yes' } } } } }] });
  const out = evaluateLegacyPolicy(p, pod('important-tool'), { operation: 'CREATE', namespaceLabels: {}, clusterResources: [exception({})] });
  assert.equal(out.rules[0]!.status, 'skip');
  assert.equal(((out.patched.metadata as Obj).labels as Obj).mutated, undefined);
  const without = evaluateLegacyPolicy(p, pod('important-tool'), { operation: 'CREATE', namespaceLabels: {}, clusterResources: [] });
  assert.equal(((without.patched.metadata as Obj).labels as Obj).mutated, 'yes');
});

test('podSecurity exceptions exempt only their controls', () => {
  const p = policy({ name: 'psa', rules: [{ name: 'baseline', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { podSecurity: { level: 'baseline', version: 'latest' } } }] });
  const psx = (controls: Obj[]) => exception({ exceptions: [{ policyName: 'psa', ruleNames: ['baseline'] }], podSecurity: controls });
  const statusPsa = (r: Obj, x: Obj[]) => run(p, r, x)[0]!;
  assert.equal(statusPsa(pod('important-tool'), []).status, 'fail');
  const exempted = statusPsa(pod('important-tool'), [psx([{ controlName: 'Host Namespaces' }])]);
  assert.equal(exempted.status, 'skip');
  assert.match(exempted.reason, /policy exception delta\/delta-exception/);
  // another control exempted: the Host Namespaces violation still fails
  assert.equal(statusPsa(pod('important-tool'), [psx([{ controlName: 'Privileged Containers' }])]).status, 'fail');
  // a compliant pod still passes
  const good = { ...pod('important-tool'), spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  assert.equal(statusPsa(good, [psx([{ controlName: 'Host Namespaces' }])]).status, 'pass');
  // an exception without podSecurity controls skips the rule outright
  assert.equal(statusPsa(pod('important-tool'), [exception({ exceptions: [{ policyName: 'psa', ruleNames: ['baseline'] }] })]).status, 'skip');
});

test('an exception whose namespaceSelector cannot be decided leaves the rule unknown', () => {
  const x = exception({ match: { any: [{ resources: { kinds: ['Pod'], namespaceSelector: { matchLabels: { team: 'a' } } } }] } });
  assert.equal(evaluateLegacyPolicy(policy(), pod('important-tool'), { operation: 'CREATE', clusterResources: [x] }).rules[0]!.status, 'unknown');
  assert.equal(statusOf(policy(), pod('important-tool'), [x]), 'fail');
  assert.equal(run(policy(), pod('important-tool'), [x], { namespaceLabels: { team: 'a' } })[0]!.status, 'skip');
});
