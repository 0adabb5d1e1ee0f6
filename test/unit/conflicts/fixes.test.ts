// Every conflict quick fix, applied, makes its finding go away and leaves valid YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits, yamlErrors } from '../checks/harness.ts';
import { allChecks } from '../../../server/src/checks/registry.ts';

const conflictChecks = allChecks.filter((c) => c.id.startsWith('conflict/'));
const fixture = (check: string, name: string) => readFileSync(join(process.cwd(), 'test', 'fixtures', 'conflict', check, name), 'utf8');

/** Given one file, for every fix of every finding of `code`: applying it removes that finding from its policy. */
function proveFixes(code: string, files: Record<string, string>, expectAtLeast: number): void {
  const findings = analyze(files, conflictChecks).filter((f) => f.code === code);
  const fixes = findings.flatMap((f) => (f.fixes ?? []).map((fix) => ({ finding: f, fix })));
  assert.ok(fixes.length >= expectAtLeast, `expected at least ${expectAtLeast} fixes, got ${fixes.map((f) => f.fix.title).join('; ')}`);
  for (const { fix } of fixes) {
    const after = applyEdits(files, fix.edits);
    assert.deepEqual(yamlErrors(after), [], `${fix.title} leaves invalid YAML:\n${Object.values(after).join('\n')}`);
    const remaining = analyze(after, conflictChecks).filter((f) => f.code === code);
    assert.equal(remaining.length, 0, `${fix.title} leaves: ${remaining.map((f) => f.message).join('\n')}\n${Object.values(after).join('\n')}`);
  }
}

test('mutation-overwrite: add-if-absent on both and merge (either direction) remove the finding', () => {
  proveFixes('conflict/mutation-overwrite', { '/ws/policies.yaml': fixture('mutation-overwrite', 'legacy-run-as-user.yaml') }, 4);
});

test('mutation-overwrite: guarding the always-writer of a one-sided guard removes the finding', () => {
  proveFixes('conflict/mutation-overwrite', { '/ws/policies.yaml': fixture('mutation-overwrite', 'mixed-one-guarded.yaml') }, 2);
});

test('mutation-overwrite: merge across two files moves the rule and deletes the document', () => {
  const [a, b] = fixture('mutation-overwrite', 'legacy-run-as-user.yaml').split(/^---\n/m);
  const files = { '/ws/a.yaml': a, '/ws/b.yaml': b };
  const finding = analyze(files, conflictChecks).find((f) => f.code === 'conflict/mutation-overwrite' && f.file === '/ws/a.yaml');
  const merge = finding?.fixes?.find((f) => f.title.startsWith('Merge'));
  assert.ok(merge, 'merge fix offered');
  const after = applyEdits(files, merge.edits);
  assert.match(after['/ws/a.yaml'], /- name: set-user-2000/);
  assert.equal(after['/ws/b.yaml'].trim(), '');
  assert.deepEqual(analyze(after, conflictChecks).filter((f) => f.code.startsWith('conflict/')), []);
});

test('mutation-rejected: aligning the mutation (CEL and legacy) or the legacy validation removes the finding', () => {
  proveFixes('conflict/mutation-rejected', { '/ws/p.yaml': fixture('mutation-rejected', 'cel-default-label-vs-frontend.yaml') }, 2);
  proveFixes('conflict/mutation-rejected', { '/ws/p.yaml': fixture('mutation-rejected', 'legacy-default-label-vs-frontend.yaml') }, 2);
});

test('every finding points at the other rule with related information', () => {
  const findings = analyze({ '/ws/p.yaml': fixture('incompatible-mutations', 'cel-run-as-non-root-vs-user-0.yaml') }, conflictChecks);
  assert.equal(findings.length, 2);
  for (const f of findings) {
    const text = fixture('incompatible-mutations', 'cel-run-as-non-root-vs-user-0.yaml');
    const others = (f.related ?? []).filter((r) => !r.message.startsWith('this rule'));
    assert.equal(others.length, 1);
    assert.match(text.slice(others[0].span.start, others[0].span.end), /^(true|0)$/);
  }
});
