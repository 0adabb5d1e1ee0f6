// Kyverno's own policy library: every document indexed, no crash, no false schema/CEL error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { analyzeWorkspace, loadConfig } from '../../server/src/analysis.ts';
import { collectInternalErrors } from '../../server/src/internalErrors.ts';
import { corpusRoot } from '../helpers/corpus.ts';

test('the corpus is analysed with zero crashes, zero skipped simulations or autogen expansions, and only the one known-invalid policy reported as a schema/CEL error', async () => {
  const root = corpusRoot();
  const failures: string[] = [];
  const { result, errors: internalErrors } = await collectInternalErrors(() => analyzeWorkspace({
    roots: [root],
    workspaceRoot: root,
    config: loadConfig(undefined),
    hooks: { onCheckFailure: (f) => failures.push(`${f.checkId} ${f.file}: ${(f.error as Error)?.message}`) },
  }));
  // An engine error caught inside the conflict simulation or the autogen expansion is a finding nobody sees.
  assert.deepEqual(internalErrors, [], 'no simulation or autogen expansion threw');
  assert.deepEqual(failures, [], 'no check threw');
  assert.deepEqual(result.findings.filter((f) => f.code.startsWith('internal/')).map((f) => f.message), []);
  const errors = result.findings
    .filter((f) => f.severity === 'error' && (f.code.startsWith('schema/') || f.code.startsWith('cel/')))
    .map((f) => `${relative(root, f.file)} ${f.code}`);
  // Its contexts give `variable` as a plain string (twice) and a configMap entry a `key` the CRD does not have.
  const invalid = 'cost-optimization/schedule-based-quotas/schedule-based-quotas.yaml';
  assert.deepEqual([...new Set(errors.map((e) => e.split(' ')[0]))], [invalid], errors.join('\n'));
  assert.ok(errors.includes(`${invalid} schema/type`));
  // About 660 complete policies (the .chainsaw-test partials are recognised and not counted).
  assert.ok(result.summary.policies >= 640 && result.summary.policies <= 1400, `policies: ${result.summary.policies}`);
});
