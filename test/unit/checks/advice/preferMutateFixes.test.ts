// Applying a prefer-mutate quick fix appends an add-if-absent mutation: the finding goes away, the
// file still parses, the new document is schema- and CEL-valid, and no conflict/* finding appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allChecks } from '../../../../server/src/checks/registry.ts';
import type { Finding } from '../../../../server/src/findings.ts';
import { analyze, applyEdits, yamlErrors } from '../harness.ts';

const dir = join(process.cwd(), 'test/fixtures/advice/prefer-mutate');
const key = (f: Finding) => `${f.code}@${f.message}`;

for (const name of ['legacy-five-patterns.yaml', 'cel-five-patterns.yaml']) {
  const text = readFileSync(join(dir, name), 'utf8');
  const file = `/ws/${name}`;
  const before = analyze({ [file]: text }, allChecks);
  const advice = before.filter((f) => f.code === 'advice/prefer-mutate');

  test(`${name}: every pattern is flagged`, () => {
    assert.ok(advice.length >= 6, `found ${advice.length}`);
  });

  for (const [i, finding] of advice.entries()) {
    test(`${name}: fix ${i + 1} (${finding.fixes?.[0]?.title}) removes its finding and adds no problem`, () => {
      const fix = finding.fixes!.find((f) => f.isPreferred)!;
      const after = applyEdits({ [file]: text }, fix.edits);
      assert.deepEqual(yamlErrors(after), []);
      const findings = analyze(after, allChecks);
      const stillThere = findings.filter((f) => f.code === 'advice/prefer-mutate' && f.span.start === finding.span.start);
      assert.deepEqual(stillThere.map((f) => f.message), [], after[file].slice(text.length));
      const old = new Set(before.map(key));
      // The legacy fix writes a ClusterPolicy on purpose (same family as the validation): its
      // policy/legacy-kind info is expected; anything else is not.
      const added = findings.filter((f) => !old.has(key(f)) && f.code !== 'advice/prefer-mutate' && f.code !== 'policy/legacy-kind' && !f.code.startsWith('conflict/'));
      assert.deepEqual(added.map((f) => `${f.code}: ${f.message}`), [], after[file].slice(text.length));
    });

    // Known false positive elsewhere: conflict/mutation-rejected evaluates a whole CEL validation on a
    // witness that only holds the written field, so a mutation defaulting requests.cpu "is rejected"
    // by validations about memory or readOnlyRootFilesystem (server/src/conflicts/rejected.ts).
    const todo = name.startsWith('cel') && /requests/.test(finding.fixes?.[0]?.title ?? '') ? 'conflict/mutation-rejected false positive on CEL witnesses (reported)' : undefined;
    test(`${name}: fix ${i + 1} introduces no conflict/* finding`, { todo }, () => {
      const fix = finding.fixes!.find((f) => f.isPreferred)!;
      const after = applyEdits({ [file]: text }, fix.edits);
      const old = new Set(before.map(key));
      const added = analyze(after, allChecks).filter((f) => !old.has(key(f)) && f.code.startsWith('conflict/'));
      assert.deepEqual(added.map((f) => `${f.code}: ${f.message}`), []);
    });
  }
}

test('the Audit switch replaces Enforce / Deny', () => {
  const text = readFileSync(join(dir, 'cel-five-patterns.yaml'), 'utf8');
  const [finding] = analyze({ '/ws/c.yaml': text }, allChecks).filter((f) => f.code === 'advice/prefer-mutate');
  const audit = finding.fixes!.find((f) => /Audit/.test(f.title))!;
  assert.match(applyEdits({ '/ws/c.yaml': text }, audit.edits)['/ws/c.yaml'], /validationActions: \[Audit\]/);
});
