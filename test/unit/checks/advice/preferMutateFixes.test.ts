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

for (const name of ['legacy-five-patterns.yaml', 'cel-five-patterns.yaml', 'automount-service-account.yaml', 'init-containers-and-preconditions.yaml']) {
  const text = readFileSync(join(dir, name), 'utf8');
  const file = `/ws/${name}`;
  const before = analyze({ [file]: text }, allChecks);
  const advice = before.filter((f) => f.code === 'advice/prefer-mutate');

  test(`${name}: every pattern is flagged`, () => {
    assert.ok(advice.length >= (name.includes('five') ? 6 : 3), `found ${advice.length}`);
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
      // policy/legacy-kind info is expected. The mutation copies the validation's match, so a
      // validation whose kinds already keep Kyverno from generating controller rules (Pod beside
      // Deployment) hands that to its companion: the same safety/autogen-skipped cause, not a new
      // one. Anything else is not expected.
      const inherited = (f: { code: string }) => f.code === 'safety/autogen-skipped' && before.some((b) => b.code === f.code);
      const added = findings.filter((f) => !old.has(key(f)) && f.code !== 'advice/prefer-mutate' && f.code !== 'policy/legacy-kind' && !f.code.startsWith('conflict/') && !inherited(f));
      assert.deepEqual(added.map((f) => `${f.code}: ${f.message}`), [], after[file].slice(text.length));
    });

    // The suggested mutation must not fight the validation it comes from (or any other rule).
    test(`${name}: fix ${i + 1} introduces no conflict/* finding`, () => {
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

const fixText = (name: string, match: RegExp) => {
  const text = readFileSync(join(dir, name), 'utf8');
  const finding = analyze({ '/ws/f.yaml': text }, allChecks).find((f) => f.code === 'advice/prefer-mutate' && match.test(f.message))!;
  assert.ok(finding, `no finding matching ${match}`);
  return { finding, added: applyEdits({ '/ws/f.yaml': text }, finding.fixes!.find((f) => f.isPreferred)!.edits)['/ws/f.yaml'].slice(text.length) };
};

test('the legacy mutation keeps the rule preconditions (no token change on exempted Pods)', () => {
  const { added } = fixText('init-containers-and-preconditions.yaml', /automountServiceAccountToken/);
  assert.match(added, /preconditions:[\s\S]*policy-reporter/);
});

test('the mutation covers the init and ephemeral containers the validation covers', () => {
  const legacy = fixText('init-containers-and-preconditions.yaml', /allowPrivilegeEscalation[^;]*initContainers, ephemeralContainers/);
  assert.match(legacy.added, /initContainers:\s*\n\s*- \(name\): "\*"/);
  assert.match(legacy.added, /ephemeralContainers:/);
  assert.match(legacy.finding.message, /pods\/ephemeralcontainers/);
  const cel = fixText('init-containers-and-preconditions.yaml', /in containers, initContainers\)/);
  assert.match(cel.added, /object\.spec\.initContainers\.filter/);
  assert.doesNotMatch(cel.added, /ephemeralContainers/);
});

test('the ServiceAccount mutation sets the top-level field', () => {
  const { added } = fixText('automount-service-account.yaml', /on the ServiceAccount/);
  assert.match(added, /patchStrategicMerge:\n\s+\+\(automountServiceAccountToken\): false/);
});

test('a validation that requires more than the mutation sets is only made partly compliant', () => {
  const text = readFileSync(join(dir, 'cel-five-patterns.yaml'), 'utf8').replace('has(c.resources.requests.cpu))', 'has(c.resources.requests.cpu) && has(c.resources.limits.memory))');
  const findings = analyze({ '/ws/c.yaml': text }, allChecks).filter((f) => f.code === 'advice/prefer-mutate');
  assert.match(findings.find((f) => /requests/.test(f.message))!.message, /makes this part of the validation compliant/);
  assert.ok(findings.filter((f) => !/requests/.test(f.message)).every((f) => /makes these objects compliant/.test(f.message)));
});
