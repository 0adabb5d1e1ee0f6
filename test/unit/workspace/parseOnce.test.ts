// The command line parses each file once: the test-data scan's parse of a test definition is what
// indexing reads, and test data holding CronJobs is composed from the tokens at hand for its
// landmark spans (not parsed a second time), then released.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexText, spanKey } from '../../../server/src/workspace/document.ts';
import { WorkspaceIndex, analyzeOptions } from '../../../server/src/workspace/index.ts';
import { defaultConfig } from '../../../server/src/workspace/config.ts';
import { registryOf, TestDataRegistry } from '../../../server/src/workspace/testData.ts';
import { parseYaml } from '../../../server/src/yaml/parse.ts';
import { spanOf } from '../../../server/src/yaml/paths.ts';
import { badCronJob } from '../../helpers/testDataTexts.ts';

const limits = analyzeOptions(defaultConfig);
const chainsaw = (file: string) => `apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t
spec:
  steps:
  - try:
    - apply:
        file: ${file}
`;
const namedTargets = (registry: TestDataRegistry, file: string) => registry.lookup(file).namedBy.length;

test('indexing takes the parse the test-data scan kept, once, for the same text and limits only', () => {
  const text = chainsaw('res.yaml');
  const registry = registryOf([{ path: '/ws/chainsaw-test.yaml', text }], '/ws', [], limits);
  const kept = registry.takeParse('/ws/chainsaw-test.yaml', text, limits);
  assert.ok(kept);
  assert.equal(registry.takeParse('/ws/chainsaw-test.yaml', text, limits), undefined, 'handed over once');
  // The index reads it as it is.
  assert.equal(indexText('/ws/chainsaw-test.yaml', text, limits, undefined, kept).yaml, kept);

  const other = registryOf([{ path: '/ws/chainsaw-test.yaml', text }], '/ws', [], limits);
  assert.equal(other.takeParse('/ws/chainsaw-test.yaml', `${text}# edited\n`, limits), undefined, 'another text');
  const dropped = registryOf([{ path: '/ws/chainsaw-test.yaml', text }], '/ws', [], limits);
  dropped.dropParses();
  assert.equal(dropped.takeParse('/ws/chainsaw-test.yaml', text, limits), undefined, 'dropped');
  const otherLimits = registryOf([{ path: '/ws/chainsaw-test.yaml', text }], '/ws', [], limits);
  assert.equal(otherLimits.takeParse('/ws/chainsaw-test.yaml', text, { ...limits, maxDocuments: 4000 }), undefined, 'other limits');
  // Limits under which the scan would read differently keep nothing.
  const small = registryOf([{ path: '/ws/chainsaw-test.yaml', text }], '/ws', [], { ...limits, maxAliasCount: 10 });
  assert.equal(small.takeParse('/ws/chainsaw-test.yaml', text, { ...limits, maxAliasCount: 10 }), undefined, 'limits the scan does not share');
  assert.equal(namedTargets(small, '/ws/res.yaml'), 1);
});

test('the workspace index takes the kept parse when it indexes the test definition', () => {
  const text = chainsaw('res.yaml');
  const texts = [{ path: '/ws/chainsaw-test.yaml', text }, { path: '/ws/res.yaml', text: badCronJob('r') }];
  const registry = registryOf(texts, '/ws', [], limits);
  const index = new WorkspaceIndex(defaultConfig, registry);
  for (const t of texts) index.setFile(t.path, t.text);
  assert.equal(registry.takeParse('/ws/chainsaw-test.yaml', text, limits), undefined);
  assert.equal(index.getFile('/ws/res.yaml')?.role, 'test-data');
  // A policy read line by line needs no trees to be indexed: the kept parse serves it.
  const policy = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules: []\n';
  const kept = parseYaml(policy, limits, () => false);
  assert.equal(indexText('/ws/policy.yaml', policy, limits, undefined, kept).yaml, kept);
  // One the line reader leaves to the tokeniser (a quoted key) gets its trees now: a kept parse without them is not used.
  const quoted = policy.replace('name: p', '"name": p');
  const withoutTrees = parseYaml(quoted, limits, () => false);
  assert.equal(withoutTrees.treesOnDemand, true);
  const indexed = indexText('/ws/policy.yaml', quoted, limits, undefined, withoutTrees);
  assert.notEqual(indexed.yaml, withoutTrees);
  assert.equal(indexed.yaml?.treesOnDemand, undefined);
});

test('a scan reading the kept parse names what a scan under its own limits names (100 documents, depth 64)', () => {
  const filler = 'a: 1\n---\n'.repeat(100);
  // Maps 70 deep under spec.deep.
  const deep = `${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 2)}k${i}:\n`).join('')}${'  '.repeat(72)}v: 1\n`;
  const texts = [
    { path: '/ws/late/chainsaw-test.yaml', text: `${filler}${chainsaw('late.yaml')}` },
    { path: '/ws/deep/chainsaw-test.yaml', text: `${chainsaw('deep.yaml')}  deep:\n${deep}` },
    { path: '/ws/ok/chainsaw-test.yaml', text: chainsaw('ok.yaml') },
  ];
  for (const keep of [undefined, limits]) {
    const registry = registryOf(texts, '/ws', [], keep);
    assert.equal(namedTargets(registry, '/ws/late/late.yaml'), 0, 'the 101st document is not read');
    assert.equal(namedTargets(registry, '/ws/deep/deep.yaml'), 0, 'a test nested deeper than 64 is not read');
    assert.equal(namedTargets(registry, '/ws/ok/ok.yaml'), 1);
  }
});

test('test data holding a CronJob has its landmark spans, and its trees are released after', () => {
  const text = badCronJob('r');
  const indexed = indexText('/ws/p/.chainsaw-test/cronjob.yaml', text, limits);
  assert.equal(indexed.role, 'test-data');
  const doc = indexed.documents[0];
  assert.equal(typeof Object.getOwnPropertyDescriptor(doc.yaml, 'doc')?.get, 'function', 'released');
  for (const path of [['spec', 'jobTemplate'], ['spec', 'jobTemplate', 'spec', 'template']]) {
    const span = indexed.spans?.get(spanKey(0, path, 'key'));
    assert.deepEqual(span, spanOf(doc.yaml.doc, path, 'key'));
    assert.equal(text.slice(span!.start, span!.end), path.at(-1));
  }
  const image = indexed.spans?.get(spanKey(0, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'], 'value'));
  assert.equal(text.slice(image!.start, image!.end), 'dummyimagename');
});
