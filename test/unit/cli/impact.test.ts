// `kyverno-analyzer impact`: the JSON contract (version 1, the schema), a cluster export streamed
// item by item, exit codes, and what counts as a workspace object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Ajv from 'ajv';
import { main } from '../../../server/src/cli/main.ts';
import { streamObjects } from '../../../server/src/workspace/exportStream.ts';
import { dropAllPolicy } from '../../helpers/dropAllPolicy.ts';

const podOnly = (action: string) => dropAllPolicy(action);

const prodOnly = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: prod-needs-owner
spec:
  validationFailureAction: Audit
  rules:
    - name: owner
      match:
        any:
          - resources:
              kinds: [Deployment]
              namespaceSelector:
                matchLabels: { env: prod }
      validate:
        message: Production Deployments need an owner label.
        pattern:
          metadata:
            labels:
              owner: "?*"
`;

const deployment = (name: string, dropAll: boolean) => `apiVersion: apps/v1
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
${dropAll ? '          securityContext: { capabilities: { drop: [ALL] } }\n' : ''}`;

// What `kubectl get deploy,ns -A -o yaml` writes: one List, items at column 0, the kind line last.
const clusterExport = `apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout
    namespace: prod
  spec:
    selector:
      matchLabels:
        app: checkout
    template:
      metadata:
        labels:
          app: checkout
      spec:
        containers:
        - image: ghcr.io/acme/checkout:1.0
          name: checkout
          securityContext:
            capabilities:
              drop:
              - ALL
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: search
    namespace: prod
    labels:
      owner: team-search
  spec:
    selector:
      matchLabels:
        app: search
    template:
      metadata:
        labels:
          app: search
      spec:
        containers:
        - image: ghcr.io/acme/search:1.0
          name: search
- apiVersion: v1
  kind: Namespace
  metadata:
    labels:
      env: prod
    name: prod
kind: List
metadata:
  resourceVersion: ""
`;

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kpa-impact-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function run(cwd: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

test('impact --format json: each policy, its mode, what it evaluated and what it would deny; valid against the schema', async (t) => {
  const root = workspace({
    'policies/drop-all.yaml': podOnly('Audit'),
    'policies/owner.yaml': prodOnly,
    'apps/a.yaml': deployment('a', false),
    'apps/b.yaml': deployment('b', true),
    'cluster/export.yaml': clusterExport,
    // A second --resources path, after the first (the usage reads `--resources PATH…`).
    'extra/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: { name: lone, namespace: shop }\nspec:\n  containers: [{ name: c, image: nginx }]\n',
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const { code, stdout, stderr } = await run(root, 'impact', 'policies', 'apps', '--resources', 'cluster/export.yaml', 'extra', '--format', 'json');
  assert.equal(stderr, '');
  assert.equal(code, 0, 'Audit policies that would deny exit 0 under the default --fail-on enforce');
  const report: any = JSON.parse(stdout);
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schemas/impact-output.schema.json', 'utf8')));
  const valid: boolean = validate(report);
  assert.ok(valid, JSON.stringify(validate.errors));
  const byName: Record<string, any> = Object.fromEntries(report.policies.map((p: { policy: string }) => [p.policy, p]));
  assert.deepEqual(Object.keys(byName).sort(), ['pods-drop-all', 'prod-needs-owner']);
  const dropAll = byName['pods-drop-all'];
  assert.deepEqual({ kind: dropAll.kind, file: dropAll.file, mode: dropAll.mode, evaluated: dropAll.evaluated }, { kind: 'ClusterPolicy', file: join('policies', 'drop-all.yaml'), mode: 'Audit', evaluated: 5 });
  assert.deepEqual(dropAll.denied.map((d: Record<string, string>) => [d.kind, d.namespace, d.name, d.file]), [
    ['Deployment', 'shop', 'a', join('apps', 'a.yaml')],
    ['Deployment', 'prod', 'search', join('cluster', 'export.yaml')],
    ['Pod', 'shop', 'lone', join('extra', 'pod.yaml')],
  ]);
  assert.match(dropAll.denied[0].message, /^the Pod its controller creates: .*Containers must drop every capability.*failed at path \/spec\/containers\/0\/securityContext\//);
  // The namespaceSelector reads the labels of the export's Namespace, listed after the Deployments.
  const owner = byName['prod-needs-owner'];
  assert.equal(owner.evaluated, 2);
  assert.deepEqual(owner.denied.map((d: Record<string, string>) => d.name), ['checkout']);
});

test('impact: an enforcing policy that denies exits 1; --fail-on never exits 0; text names the counts; usage errors exit 2', async (t) => {
  const root = workspace({ 'p.yaml': podOnly('Enforce'), 'a.yaml': deployment('a', false), 'b.yaml': deployment('b', true) });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const text = await run(root, 'impact', '.');
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^pods-drop-all \(ClusterPolicy, Enforce\) p\.yaml: denies 1 of 2\n  Deployment shop\/a \(a\.yaml\): /);
  assert.equal((await run(root, 'impact', '.', '--fail-on', 'never')).code, 0);
  const bad = await run(root, 'impact', '.', '--format', 'sarif');
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.equal((await run(root, 'impact', '.', '--resources', 'missing.yaml')).code, 2);
});

test('impact: a suite\'s resources are test data and not counted unless named with --resources', async (t) => {
  const suite = `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: { name: t }
policies: [../p.yaml]
resources: [resources.yaml]
results:
  - { policy: pods-drop-all, rule: drop-all, resources: [a], kind: Deployment, result: fail }
`;
  const root = workspace({ 'p.yaml': podOnly('Audit'), 'tests/kyverno-test.yaml': suite, 'tests/resources.yaml': deployment('a', false) });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const without = JSON.parse((await run(root, 'impact', '.', '--format', 'json')).stdout);
  assert.deepEqual([without.policies[0].evaluated, without.policies[0].denied.length], [0, 0]);
  const named = JSON.parse((await run(root, 'impact', '.', '--resources', 'tests/resources.yaml', '--format', 'json')).stdout);
  assert.deepEqual([named.policies[0].evaluated, named.policies[0].denied.length], [1, 1]);
});

test('a List export is cut into items (indented or not), documents stay whole, an oversized item is skipped and reading goes on', (t) => {
  const root = workspace({
    'list.yaml': clusterExport,
    'indented.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: one }\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: two }\n',
    'docs.yaml': `${deployment('x', true)}---\n${deployment('y', true)}`,
    'big.yaml': `apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: { name: big }\n  data:\n    a: "${'x'.repeat(5000)}"\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: { name: small }\nkind: List\n`,
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const problems: string[] = [];
  const names = (file: string) => [...streamObjects(join(root, file), { roots: [], maxPieceChars: 2000, onProblem: (_f, m) => problems.push(m) })].map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`);
  assert.deepEqual(names('list.yaml'), ['Deployment/checkout', 'Deployment/search', 'Namespace/prod']);
  assert.deepEqual(names('indented.yaml'), ['ConfigMap/one', 'ConfigMap/two']);
  assert.deepEqual(names('docs.yaml'), ['Deployment/x', 'Deployment/y']);
  assert.deepEqual(problems, []);
  assert.deepEqual(names('big.yaml'), ['ConfigMap/small']);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /over the limit of 2000/);
});
