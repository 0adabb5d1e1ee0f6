import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateLegacyPolicy } from '../../../../server/src/engine/legacy/index.ts';
import type { AdmissionContext } from '../../../../server/src/engine/types.ts';

type Obj = Record<string, unknown>;
const policy = (rule: Obj, kind = 'ClusterPolicy', namespace?: string): Obj => ({
  apiVersion: 'kyverno.io/v1',
  kind,
  metadata: { name: 'p', namespace, annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
  spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, ...rule }] },
});
const pod = (containers: Obj[], labels: Record<string, string> = {}, spec: Obj = {}): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels }, spec: { containers, ...spec },
});
const status = (p: Obj, r: Obj, ctx: Partial<AdmissionContext> = {}) => evaluateLegacyPolicy(p, r, { operation: 'CREATE', ...ctx }).rules[0]!;

test('pattern: pass, fail, and skip on a conditional anchor', () => {
  const p = policy({ validate: { message: 'no latest', pattern: { spec: { containers: [{ '(name)': 'web*', image: '!*:latest' }] } } } });
  assert.equal(status(p, pod([{ name: 'web', image: 'nginx:1' }])).status, 'pass');
  assert.equal(status(p, pod([{ name: 'web', image: 'nginx:latest' }])).status, 'fail');
  assert.equal(status(p, pod([{ name: 'db', image: 'pg:latest' }])).status, 'skip');
});

test('anyPattern: one matching pattern passes', () => {
  const p = policy({ validate: { anyPattern: [{ spec: { securityContext: { runAsNonRoot: true } } }, { spec: { containers: [{ securityContext: { runAsNonRoot: true } }] } }] } });
  assert.equal(status(p, pod([{ name: 'a', securityContext: { runAsNonRoot: true } }])).status, 'pass');
  assert.equal(status(p, pod([{ name: 'a' }])).status, 'fail');
});

test('deny with variables and message substitution', () => {
  const p = policy({ validate: { message: 'label app is {{ request.object.metadata.labels.app }}', deny: { conditions: { any: [{ key: '{{ request.object.metadata.labels.app }}', operator: 'AnyIn', value: ['bad', 'worse'] }] } } } });
  const denied = status(p, pod([], { app: 'bad' }));
  assert.equal(denied.status, 'fail');
  assert.match(denied.reason, /label app is bad/);
  assert.equal(status(p, pod([], { app: 'good' })).status, 'pass');
});

test('preconditions that do not hold skip the rule', () => {
  const p = policy({ preconditions: { all: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' }] }, validate: { deny: {} } });
  assert.equal(status(p, pod([])).status, 'skip');
  assert.equal(status(p, pod([]), { operation: 'UPDATE' }).status, 'fail');
});

test('a rule that does not match is a skip', () => {
  const p = policy({ validate: { pattern: { metadata: { name: 'x' } } } });
  assert.equal(status(p, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }).status, 'skip');
});

test('a namespaced Policy ignores resources of other namespaces', () => {
  const p = policy({ validate: { deny: {} } }, 'Policy', 'team-a');
  assert.equal(status(p, pod([])).status, 'skip');
  assert.equal(status(p, { ...pod([]), metadata: { name: 'p', namespace: 'team-a' } }).status, 'fail');
});

test('foreach validate with element scope and per-element preconditions', () => {
  const p = policy({ validate: { foreach: [{ list: 'request.object.spec.containers', preconditions: { all: [{ key: '{{ element.name }}', operator: 'NotEquals', value: 'sidecar' }] }, pattern: { image: 'corp.io/*' } }] } });
  assert.equal(status(p, pod([{ name: 'a', image: 'corp.io/a' }, { name: 'sidecar', image: 'docker.io/s' }])).status, 'pass');
  assert.equal(status(p, pod([{ name: 'a', image: 'docker.io/a' }])).status, 'fail');
  assert.equal(status(p, pod([{ name: 'sidecar', image: 'docker.io/s' }])).status, 'skip');
});

test('foreach deny with nested elements', () => {
  const p = policy({ validate: { foreach: [{ list: 'request.object.spec.containers', foreach: [{ list: 'element.ports', deny: { conditions: { any: [{ key: '{{ element.containerPort }}', operator: 'LessThan', value: 1024 }] } } }] }] } });
  assert.equal(status(p, pod([{ name: 'a', ports: [{ containerPort: 8080 }] }])).status, 'pass');
  assert.equal(status(p, pod([{ name: 'a', ports: [{ containerPort: 8080 }, { containerPort: 80 }] }])).status, 'fail');
});

test('context: variables, ConfigMaps from supplied resources, apiCall without a value is unknown', () => {
  const withVar = policy({ context: [{ name: 'tier', variable: { jmesPath: "request.object.metadata.labels.tier || 'none'" } }], validate: { deny: { conditions: { all: [{ key: '{{ tier }}', operator: 'Equals', value: 'none' }] } } } });
  assert.equal(status(withVar, pod([], { tier: 'gold' })).status, 'pass');
  assert.equal(status(withVar, pod([])).status, 'fail');
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'allowed', namespace: 'kyverno' }, data: { registries: 'corp.io' } };
  const withCm = policy({ context: [{ name: 'cfg', configMap: { name: 'allowed', namespace: 'kyverno' } }], validate: { deny: { conditions: { all: [{ key: '{{ cfg.data.registries }}', operator: 'NotEquals', value: 'corp.io' }] } } } });
  assert.equal(status(withCm, pod([]), { clusterResources: [cm] }).status, 'pass');
  assert.equal(status(withCm, pod([])).status, 'unknown');
  const withApi = policy({ context: [{ name: 'n', apiCall: { urlPath: '/api/v1/namespaces' } }], validate: { deny: {} } });
  assert.equal(status(withApi, pod([])).status, 'unknown');
  assert.equal(status(withApi, pod([]), { variables: { n: 1 } }).status, 'fail');
  // An apiCall GET of one ConfigMap is answered from the supplied resources (jmesPath applied), never guessed.
  const cmCall = policy({ context: [{ name: 'cfg', apiCall: { urlPath: '/api/v1/namespaces/kyverno/configmaps/allowed', jmesPath: 'data' } }], validate: { deny: { conditions: { all: [{ key: '{{ cfg.registries }}', operator: 'NotEquals', value: 'corp.io' }] } } } });
  assert.equal(status(cmCall, pod([]), { clusterResources: [cm] }).status, 'pass');
  assert.equal(status(cmCall, pod([]), { clusterResources: [{ ...cm, data: { registries: 'other.io' } }] }).status, 'fail');
  assert.equal(status(cmCall, pod([])).status, 'unknown');
  const otherNs = policy({ context: [{ name: 'cfg', apiCall: { urlPath: '/api/v1/namespaces/default/configmaps/allowed' } }], validate: { deny: {} } });
  assert.equal(status(otherNs, pod([]), { clusterResources: [cm] }).status, 'unknown');
});

test('an unresolvable variable in a pattern is an error', () => {
  const p = policy({ validate: { pattern: { metadata: { name: '{{ request.object.metadata.labels.missing }}' } } } });
  assert.equal(status(p, pod([])).status, 'error');
});

test('podSecurity baseline and restricted, with exclusions', () => {
  const baseline = policy({ validate: { podSecurity: { level: 'baseline', version: 'latest' } } });
  assert.equal(status(baseline, pod([{ name: 'a', image: 'nginx' }])).status, 'pass');
  assert.equal(status(baseline, pod([{ name: 'a', image: 'nginx', securityContext: { privileged: true } }])).status, 'fail');
  assert.equal(status(baseline, pod([{ name: 'a', image: 'nginx' }], {}, { hostNetwork: true })).status, 'fail');
  const excluded = policy({ validate: { podSecurity: { level: 'baseline', version: 'latest', exclude: [{ controlName: 'Privileged Containers', images: ['nginx*'] }] } } });
  assert.equal(status(excluded, pod([{ name: 'a', image: 'nginx', securityContext: { privileged: true } }])).status, 'pass');
  assert.equal(status(excluded, pod([{ name: 'a', image: 'redis', securityContext: { privileged: true } }])).status, 'fail');
  const restricted = policy({ validate: { podSecurity: { level: 'restricted', version: 'latest' } } });
  const good = { name: 'a', image: 'nginx', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } } };
  assert.equal(status(restricted, pod([good])).status, 'pass');
  assert.equal(status(restricted, pod([{ name: 'a', image: 'nginx' }])).status, 'fail');
});

test('generate with data substitutes the target', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'g' },
    spec: { rules: [{ name: 'quota', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { apiVersion: 'v1', kind: 'ResourceQuota', name: 'q', namespace: '{{ request.object.metadata.name }}', data: { spec: { hard: { pods: '10' } } } } }] },
  };
  const r = evaluateLegacyPolicy(p, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }, { operation: 'CREATE' }).rules[0]!;
  assert.equal(r.status, 'pass');
  assert.deepEqual(r.generated, [{ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'team-a' }, spec: { hard: { pods: '10' } } }]);
  const svc = evaluateLegacyPolicy(p, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, { operation: 'CREATE' }).rules[0]!;
  assert.equal(svc.status, 'skip');
});

test('generate clone reads the source from supplied resources, else unknown', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'g' },
    spec: { rules: [{ name: 'copy', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { apiVersion: 'v1', kind: 'Secret', name: 'regcred', namespace: '{{ request.object.metadata.name }}', synchronize: true, clone: { name: 'regcred', namespace: 'default' } } }] },
  };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
  const src = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'default', uid: 'u' }, data: { a: 'b' } };
  const r = evaluateLegacyPolicy(p, ns, { operation: 'CREATE', clusterResources: [src] }).rules[0]!;
  assert.equal(r.status, 'pass');
  assert.deepEqual(r.generated, [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'team-a' }, data: { a: 'b' } }]);
  assert.equal(evaluateLegacyPolicy(p, ns, { operation: 'CREATE' }).rules[0]!.status, 'unknown');
});

test('validate.cel expressions', () => {
  const p = policy({ validate: { cel: { expressions: [{ expression: 'object.spec.containers.all(c, !c.image.endsWith(":latest"))', message: 'no latest' }] } } });
  assert.equal(status(p, pod([{ name: 'a', image: 'nginx:1' }])).status, 'pass');
  const f = status(p, pod([{ name: 'a', image: 'nginx:latest' }]));
  assert.equal(f.status, 'fail');
  assert.equal(f.reason, 'no latest');
});

test('autogen rules evaluate Deployments through the Pod template', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'a' },
    spec: { rules: [{ name: 'tag', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { pattern: { spec: { containers: [{ image: '!*:latest' }] } } } }] },
  };
  const deploy = (image: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'a', image }] } } } });
  const rules = (r: Obj) => Object.fromEntries(evaluateLegacyPolicy(p, r, { operation: 'CREATE' }).rules.map((x) => [x.rule, x.status]));
  assert.deepEqual(rules(deploy('nginx:1')), { tag: 'skip', 'autogen-tag': 'pass', 'autogen-cronjob-tag': 'skip' });
  assert.deepEqual(rules(deploy('nginx:latest')), { tag: 'skip', 'autogen-tag': 'fail', 'autogen-cronjob-tag': 'skip' });
});

test('verifyImages is reported unknown, never guessed', () => {
  const p = policy({ verifyImages: [{ imageReferences: ['*'] }] });
  assert.equal(status(p, pod([{ name: 'a', image: 'x' }])).status, 'unknown');
});

test('UPDATE: a pattern violation the old object already had is a skip, a new one fails', () => {
  const p = policy({ validate: { pattern: { metadata: { labels: { team: '?*' } } } } });
  const bad = pod([]);
  assert.equal(status(p, bad, { operation: 'UPDATE', oldObject: pod([]) }).status, 'skip');
  assert.equal(status(p, bad, { operation: 'UPDATE', oldObject: pod([], { team: 'a' }) }).status, 'fail');
  assert.equal(status(p, pod([], { team: 'a' }), { operation: 'UPDATE', oldObject: pod([]) }).status, 'pass');
});

test('UPDATE without an old object compares the resource with itself, as kyverno test does', () => {
  const p = policy({ validate: { pattern: { metadata: { labels: { team: '?*' } } } } });
  assert.equal(status(p, pod([]), { operation: 'UPDATE' }).status, 'skip');
  const deny = policy({ validate: { deny: { conditions: { any: [{ key: '{{ request.oldObject.metadata.labels.team || \'\' }}', operator: 'Equals', value: '' }] } } } });
  assert.equal(status(deny, pod([]), { operation: 'UPDATE' }).status, 'fail');
  assert.equal(status(deny, pod([]), { operation: 'UPDATE', variables: { 'request.oldObject.metadata.labels.team': 'x' } }).status, 'pass');
});

test('patterns are not applied to deletions; deny rules are', () => {
  const p = policy({ validate: { pattern: { metadata: { labels: { team: '?*' } } } } });
  assert.equal(status(p, pod([]), { operation: 'DELETE' }).status, 'skip');
  const deny = policy({ validate: { deny: { conditions: { any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'DELETE' }] } } } });
  assert.equal(status(deny, pod([]), { operation: 'DELETE' }).status, 'fail');
});

test('anyPattern whose patterns all miss a global anchor is a skip', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'lb' },
    spec: { rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Service'] } }] }, validate: { anyPattern: [
      { metadata: { annotations: { sg: '?*' } }, spec: { '<(type)': 'LoadBalancer' } },
      { spec: { '<(type)': 'LoadBalancer', loadBalancerSourceRanges: '*' } },
    ] } }] },
  };
  const svc = (spec: Obj, annotations?: Obj) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', annotations }, spec });
  const st = (r: Obj) => evaluateLegacyPolicy(p, r, { operation: 'CREATE' }).rules[0]!.status;
  assert.equal(st(svc({ type: 'ClusterIP' })), 'skip');
  assert.equal(st(svc({ type: 'LoadBalancer' })), 'fail');
  assert.equal(st(svc({ type: 'LoadBalancer' }, { sg: 'x' })), 'pass');
  assert.equal(st(svc({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] })), 'pass');
});

test('values-file keys under request.object overlay the validated resource', () => {
  const p = policy({ validate: { pattern: { metadata: { name: 'allowed-*' } } } });
  assert.equal(status(p, pod([])).status, 'fail');
  assert.equal(status(p, pod([]), { variables: { 'request.object.metadata.name': 'allowed-1' } }).status, 'pass');
});

test('applyRules One stops after the first applying rule', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'one', annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
    spec: { applyRules: 'One', rules: [
      { name: 'a', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { deny: {} } },
      { name: 'b', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { deny: {} } },
    ] },
  };
  assert.deepEqual(evaluateLegacyPolicy(p, pod([]), { operation: 'CREATE' }).rules.map((r) => r.status), ['fail', 'skip']);
});

test('a document that is not a legacy policy is an error, never a throw', () => {
  const r = evaluateLegacyPolicy({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, pod([]), { operation: 'CREATE' });
  assert.equal(r.rules[0]!.status, 'error');
});

test('podSecurity exclusions narrowed by restrictedField and values', () => {
  const ps = (exclude: unknown[]) => policy({ validate: { podSecurity: { level: 'baseline', version: 'latest', exclude } } });
  const hostPathPod = pod([{ name: 'a', image: 'nginx' }], {}, { volumes: [{ name: 'v', hostPath: { path: '/var/log' } }] });
  assert.equal(status(ps([{ controlName: 'HostPath Volumes', restrictedField: 'spec.volumes[*].hostPath', values: ['/var/log'] }]), hostPathPod).status, 'pass');
  assert.equal(status(ps([{ controlName: 'HostPath Volumes', restrictedField: 'spec.volumes[*].hostPath', values: ['/etc'] }]), hostPathPod).status, 'fail');
  const capPod = pod([{ name: 'a', image: 'nginx', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }]);
  assert.equal(status(ps([{ controlName: 'Capabilities', images: ['nginx'], restrictedField: 'spec.containers[*].securityContext.capabilities.add', values: ['NET_ADMIN'] }]), capPod).status, 'pass');
  assert.equal(status(ps([{ controlName: 'Capabilities', images: ['nginx'], restrictedField: 'spec.containers[*].securityContext.capabilities.add', values: ['SYS_ADMIN'] }]), capPod).status, 'fail');
  assert.equal(status(ps([{ controlName: 'Host Namespaces' }]), pod([{ name: 'a', image: 'nginx' }], {}, { hostPID: true })).status, 'pass');
});

test('allowExistingViolations: false keeps an unchanged violation a failure', () => {
  const p = policy({ validate: { allowExistingViolations: false, pattern: { metadata: { labels: { team: '?*' } } } } });
  assert.equal(status(p, pod([]), { operation: 'UPDATE', oldObject: pod([]) }).status, 'fail');
});

test('validate.cel: a failing expression error denies (failurePolicy Fail), namespaceObject carries the name', () => {
  const broken = policy({ validate: { cel: { expressions: [{ expression: 'object.spec.containers[5].name == "x"' }] } } });
  assert.equal(status(broken, pod([{ name: 'a', image: 'x' }])).status, 'fail');
  const ns = policy({ validate: { message: 'not in default', cel: { expressions: [{ expression: "namespaceObject.metadata.name != 'default'" }] } } });
  const r = status(ns, pod([]));
  assert.equal(r.status, 'fail');
  assert.equal(r.reason, 'not in default');
  assert.equal(status(ns, { ...pod([]), metadata: { name: 'p', namespace: 'team' } }).status, 'pass');
});

test('generate cloneList copies the selected supplied resources', () => {
  const p = {
    apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'g' },
    spec: { rules: [{ name: 'copy', match: { any: [{ resources: { kinds: ['Namespace'] } }] }, generate: { namespace: '{{ request.object.metadata.name }}', synchronize: true, cloneList: { namespace: 'staging', kinds: ['v1/Secret', 'v1/ConfigMap'], selector: { matchLabels: { allowedToBeCloned: 'true' } } } } }] },
  };
  const src = (kind: string, name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'staging', labels }, data: {} });
  const r = evaluateLegacyPolicy(p, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } }, {
    operation: 'CREATE',
    clusterResources: [src('Secret', 's1', { allowedToBeCloned: 'true' }), src('ConfigMap', 'c1', { allowedToBeCloned: 'true' }), src('Secret', 's2', {})],
  }).rules[0]!;
  assert.equal(r.status, 'pass');
  assert.deepEqual(r.generated!.map((g) => [(g as any).kind, (g as any).metadata.name, (g as any).metadata.namespace]), [['Secret', 's1', 'prod'], ['ConfigMap', 'c1', 'prod']]);
});

test('$(path) references in a validate pattern read the rule itself, relative or absolute, with an operator kept before the value', () => {
  const probes = (live: number, ready: number) => pod([{ name: 'app', livenessProbe: { tcpSocket: { port: live } }, readinessProbe: { tcpSocket: { port: ready } } }]);
  const same = policy({ validate: { message: 'same ports', pattern: { spec: { containers: [{ livenessProbe: { tcpSocket: { port: '$(./../../../readinessProbe/tcpSocket/port)' } }, readinessProbe: { tcpSocket: { port: 3000 } } }] } } } });
  assert.equal(status(same, probes(3000, 3000)).status, 'pass');
  assert.equal(status(same, probes(8080, 3000)).status, 'fail');
  const below = policy({ validate: { message: 'below', pattern: { spec: { containers: [{ livenessProbe: { tcpSocket: { port: '$(</validate/pattern/spec/containers/0/readinessProbe/tcpSocket/port)' } }, readinessProbe: { tcpSocket: { port: 3000 } } }] } } } });
  assert.equal(status(below, probes(2000, 3000)).status, 'pass');
  assert.equal(status(below, probes(4000, 3000)).status, 'fail');
});
