import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mutationWithoutReportCheck } from '../../../../server/src/checks/advice/mutationWithoutReport.ts';
import { allChecks } from '../../../../server/src/checks/registry.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

test('the trail fixes (emitWarning, auditAnnotations) remove every finding and stay valid', () => {
  const text = readFileSync(join(process.cwd(), 'test/fixtures/advice/mutation-without-report/silent.yaml'), 'utf8');
  let files: Record<string, string> = { '/ws/m.yaml': text };
  const before = analyze(files, [mutationWithoutReportCheck]);
  assert.equal(before.length, 3);
  for (let round = 0; round < 5; round++) {
    const next = analyze(files, [mutationWithoutReportCheck])[0];
    if (!next) break;
    files = applyEdits(files, next.fixes![0].edits);
  }
  assert.deepEqual(yamlErrors(files), []);
  assert.deepEqual(analyze(files, [mutationWithoutReportCheck]), []);
  assert.match(files['/ws/m.yaml'], /\nspec:\n {2}rules:[^]*\n {2}emitWarning: true\n---/);
  assert.match(files['/ws/m.yaml'], /\n {2}auditAnnotations:\n {4}- key: mutated-by\n {6}valueExpression: "'drop-all'"/);
  const schemaOrCel = analyze(files, allChecks).filter((f) => f.code.startsWith('schema') || f.code.startsWith('cel/'));
  assert.deepEqual(schemaOrCel.map((f) => `${f.code}: ${f.message}`), []);
});
