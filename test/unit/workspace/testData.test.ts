import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { defaultConfig, parseConfig, type AnalyzerConfig } from '../../../server/src/workspace/config.ts';
import { registryOf, testDataGlobs, TestDataRegistry } from '../../../server/src/workspace/testData.ts';
import { runDocumentChecks, runWorkspaceChecks } from '../../../server/src/checks/run.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';
import { hoverAt } from '../../../server/src/ide/hover.ts';
import { mergeSettings, sanitizeSettings } from '../../../server/src/lsp/settings.ts';
import { badCronJob } from '../../helpers/testDataTexts.ts';

const cronJob = badCronJob;
const policy = (name: string) => `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: ${name}
spec:
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: no
      pattern:
        metadata:
          labels:
            team: "?*"
`;
const partialPolicy = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nstatus:\n  ready: true\n';

function indexOf(files: Record<string, string>, config: AnalyzerConfig = defaultConfig, globs: string[] = []): WorkspaceIndex {
  const texts = Object.entries(files).map(([path, text]) => ({ path, text }));
  const index = new WorkspaceIndex(config, registryOf(texts, '/ws', globs));
  for (const { path, text } of texts) index.setFile(path, text);
  return index;
}

const roleOf = (index: WorkspaceIndex, file: string) => index.getFile(file)?.role;

test('every file a kyverno-test.yaml names is test data; the policies it names stay policies', () => {
  const index = indexOf({
    '/ws/p/kyverno-test.yaml': `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t1
policies: [../policy.yaml]
resources: [res.yaml]
variables: vars.yaml
userinfo: user.yaml
context: ctx.yaml
exceptions: [exc.yaml]
results:
- policy: p
  rule: r
  resources: [x]
  kind: Pod
  result: pass
  patchedResources: patched.yaml
  generatedResource: generated.yaml
  cloneSourceResource: source.yaml
`,
    '/policy.yaml': policy('p'),
    ...Object.fromEntries(['res', 'vars', 'user', 'ctx', 'exc', 'patched', 'generated', 'source'].map((n) => [`/ws/p/${n}.yaml`, cronJob(n)])),
    '/ws/p/unnamed.yaml': cronJob('unnamed'),
  });
  for (const n of ['res', 'vars', 'user', 'ctx', 'exc', 'patched', 'generated', 'source']) assert.equal(roleOf(index, `/ws/p/${n}.yaml`), 'test-data', n);
  assert.equal(roleOf(index, '/ws/p/unnamed.yaml'), 'workspace');
  assert.equal(roleOf(index, '/policy.yaml'), 'workspace');
  assert.equal(index.policies().length, 1);
  // The test definition is checked like any workspace file (a typo in it changes what is tested).
  assert.equal(roleOf(index, '/ws/p/kyverno-test.yaml'), 'workspace');
});

test('the older kind-less kyverno-test.yaml names test data too', () => {
  const index = indexOf({ '/ws/kyverno-test.yaml': 'name: old\npolicies: [p.yaml]\nresources: [r.yaml]\nresults: []\n', '/ws/r.yaml': cronJob('r') });
  assert.equal(roleOf(index, '/ws/r.yaml'), 'test-data');
});

test('a Chainsaw test names files in every step operation and block; assert/error files are assertions', () => {
  const ops = ['apply', 'create', 'patch', 'update', 'delete', 'assert', 'error'];
  const steps = ops.map((op, i) => `  - name: s${i}\n    ${['try', 'catch', 'finally', 'cleanup'][i % 4]}:\n    - ${op}:\n        file: ${op}.yaml\n`).join('');
  const files: Record<string, string> = { '/ws/e2e/chainsaw-test.yaml': `apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: e2e-test\nspec:\n  steps:\n${steps}` };
  for (const op of ops) files[`/ws/e2e/${op}.yaml`] = op === 'assert' || op === 'error' ? partialPolicy : cronJob(op);
  const index = indexOf(files);
  for (const op of ['apply', 'create', 'patch', 'update', 'delete']) assert.equal(roleOf(index, `/ws/e2e/${op}.yaml`), 'test-data', op);
  for (const op of ['assert', 'error']) assert.equal(roleOf(index, `/ws/e2e/${op}.yaml`), 'test-assertion', op);
  // Partial assertions are neither modelled nor validated, wherever they sit (here e2e/, no test folder).
  assert.equal(index.policies().length, 0);
  const findings = index.files().flatMap((f) => runDocumentChecks(f, allChecks, defaultConfig));
  assert.deepEqual(findings.filter((f) => f.file.endsWith('assert.yaml') || f.file.endsWith('error.yaml')), []);
});

test('a Chainsaw test found by its apiVersion (any file name) names files; a policy it applies stays a policy', () => {
  const index = indexOf({
    '/ws/tests/suite.yaml': 'apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: s\nspec:\n  steps:\n  - try:\n    - apply:\n        file: ../policies/p.yaml\n    - apply:\n        file: good.yaml\n    - create:\n        file: "res/*.yaml"\n',
    '/ws/policies/p.yaml': policy('p'),
    '/ws/tests/good.yaml': cronJob('good'),
    '/ws/tests/res/one.yaml': cronJob('one'),
    '/ws/tests/other/two.yaml': cronJob('two'),
  });
  assert.equal(roleOf(index, '/ws/tests/good.yaml'), 'test-data');
  assert.equal(roleOf(index, '/ws/tests/res/one.yaml'), 'test-data', 'named by a glob');
  assert.equal(roleOf(index, '/ws/tests/other/two.yaml'), 'workspace');
  assert.equal(roleOf(index, '/ws/policies/p.yaml'), 'workspace');
  assert.deepEqual(index.policies().map((p) => p.name), ['p']);
});

test('files in .kyverno-test and .chainsaw-test* folders are test data; policy variants there are not workspace policies', () => {
  const index = indexOf({
    '/ws/a/.kyverno-test/resource.yaml': cronJob('a'),
    '/ws/a/.chainsaw-test-extra/resource.yaml': cronJob('b'),
    '/ws/a/.chainsaw-test/policy-update.yaml': policy('a'),
    '/ws/a/not-a-test/resource.yaml': cronJob('c'),
    '/ws/a/.kyverno-test/kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: []\nresources: [resource.yaml]\n',
  });
  // The test definition is not test data, even in the test folder.
  assert.equal(roleOf(index, '/ws/a/.kyverno-test/kyverno-test.yaml'), 'workspace');
  assert.equal(roleOf(index, '/ws/a/.kyverno-test/resource.yaml'), 'test-data');
  assert.equal(roleOf(index, '/ws/a/.chainsaw-test-extra/resource.yaml'), 'test-data');
  assert.equal(roleOf(index, '/ws/a/.chainsaw-test/policy-update.yaml'), 'test-data');
  assert.equal(roleOf(index, '/ws/a/not-a-test/resource.yaml'), 'workspace');
  assert.equal(index.policies().length, 0);
});

test('testData globs of the configuration (relative to the root) make test data', () => {
  const index = indexOf({ '/ws/fixtures/bad/cron.yaml': cronJob('x'), '/ws/prod/cron.yaml': cronJob('y') }, defaultConfig, ['fixtures/**']);
  assert.equal(roleOf(index, '/ws/fixtures/bad/cron.yaml'), 'test-data');
  assert.equal(roleOf(index, '/ws/prod/cron.yaml'), 'workspace');
  assert.equal(testDataGlobs('/ws', ['fixtures/**'])('/elsewhere/fixtures/a.yaml'), false);
  const { config, problems } = parseConfig('testData: [fixtures/**]\ncheckTestData: true\n');
  assert.deepEqual([config.testData, config.checkTestData, problems], [['fixtures/**'], true, []]);
  assert.equal(parseConfig('checkTestData: yes please\n').problems.length, 1);
  // The editor setting, under the file's value when both are set.
  assert.deepEqual(mergeSettings(sanitizeSettings({ testData: ['e2e/**'] }), undefined).config.testData, ['e2e/**']);
  assert.deepEqual(mergeSettings(sanitizeSettings({ testData: ['e2e/**'] }), 'testData: [x/**]\n').config.testData, ['x/**']);
});

test('checks of manifests are quiet on test data unless checkTestData turns them on; its resources stay witnesses', () => {
  // A Service selecting no workload: hygiene/orphan, a cross-file check, reports it outside test data.
  const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: nothing\n  ports:\n  - port: 80\n';
  const files = { '/ws/a/.kyverno-test/cron.yaml': cronJob('bad') + '---\n' + service, '/ws/prod/cron.yaml': cronJob('prod') + '---\n' + service };
  const run = (config: AnalyzerConfig) => {
    const index = indexOf(files, config);
    const findings = [...index.files().flatMap((f) => runDocumentChecks(f, allChecks, config)), ...runWorkspaceChecks(index, allChecks)];
    return { index, onTestData: findings.filter((f) => f.file.includes('.kyverno-test')), onProd: findings.filter((f) => f.file.startsWith('/ws/prod')) };
  };
  const quiet = run(defaultConfig);
  assert.deepEqual(quiet.onTestData.map((f) => f.code), []);
  assert.ok(quiet.onProd.some((f) => f.code.startsWith('cronjob/')), 'the same CronJob outside test data is reported');
  assert.ok(quiet.onProd.some((f) => f.code === 'hygiene/orphan'), 'the same Service outside test data is reported');
  assert.deepEqual(quiet.index.resourcesOfKind('CronJob').map((r) => r.name).sort(), ['bad', 'prod']);
  const loud = run({ ...defaultConfig, checkTestData: true });
  assert.deepEqual(loud.onTestData.map((f) => f.code).sort(), loud.onProd.map((f) => f.code).sort());
});

test('a test indexed after the files it names changes their role (and back when it goes)', () => {
  const index = new WorkspaceIndex(defaultConfig, new TestDataRegistry());
  index.setFile('/ws/r.yaml', cronJob('r'));
  assert.equal(roleOf(index, '/ws/r.yaml'), 'workspace');
  index.setFile('/ws/kyverno-test.yaml', 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\npolicies: []\nresources: [r.yaml]\n');
  assert.equal(roleOf(index, '/ws/r.yaml'), 'test-data');
  assert.deepEqual(index.takeRoleChanges().map((f) => f.file), ['/ws/r.yaml']);
  index.removeFile('/ws/kyverno-test.yaml');
  assert.equal(roleOf(index, '/ws/r.yaml'), 'workspace');
  assert.deepEqual(index.takeRoleChanges().map((f) => f.file), ['/ws/r.yaml']);
});

test('hovering the first line of a test-data file says it is test data and which test names it', () => {
  const index = indexOf({ '/ws/p/kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: my-suite\npolicies: []\nresources: [res.yaml]\n', '/ws/p/res.yaml': cronJob('r') });
  const file = index.getFile('/ws/p/res.yaml')!;
  const hover = hoverAt(file, 2);
  assert.match(hover?.markdown ?? '', /Test data/);
  assert.match(hover?.markdown ?? '', /`my-suite` \(`kyverno-test.yaml`, `resources`\)/);
  assert.doesNotMatch(hoverAt(file, file.text.indexOf('CronJob'))?.markdown ?? '', /Test data/);
  assert.equal(hoverAt(index.getFile('/ws/p/kyverno-test.yaml')!, 2)?.markdown.includes('Test data') ?? false, false);
});
