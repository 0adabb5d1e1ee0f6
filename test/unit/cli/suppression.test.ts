// The command line honours suppression comments, whichever way the findings were collected
// (fresh, from the cache, on worker threads), and reports the suppressions that silence nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { main } from '../../../server/src/cli/main.ts';

const fixtures = join(process.cwd(), 'test', 'fixtures', 'hygiene', 'unused-suppression');

async function check(cwd: string, ...args: string[]): Promise<{ code: string; line: number }[]> {
  let stdout = '';
  await main(['check', '.', '--format', 'json', '--fail-on', 'never', ...args], { cwd, stdout: (s) => (stdout += s), stderr: () => {} });
  const report = JSON.parse(stdout) as { findings: { code: string; file: string; range: { start: { line: number } } }[] };
  return report.findings
    .filter((f) => f.file === 'silences-one-line.yaml' && (f.code === 'cronjob/mutable-image' || f.code === 'hygiene/unused-suppression'))
    .map((f) => ({ code: f.code, line: f.range.start.line + 1 }));
}

test('check: a next-line suppression silences the finding under it and no other', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kpa-suppress-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(fixtures, 'silences-one-line.yaml'), join(root, 'silences-one-line.yaml'));
  // Lines 17 (curlimages/curl) and 24 (shipper:2.3) are suppressed; line 20 (etl:latest) is not.
  const expected = [{ code: 'cronjob/mutable-image', line: 20 }];
  assert.deepEqual(await check(root), expected);
  assert.deepEqual(await check(root, '--cache', '--cache-location', join(root, '.cache')), expected, 'cold cache');
  assert.deepEqual(await check(root, '--cache', '--cache-location', join(root, '.cache')), expected, 'served from the cache');
});

test('check: unknown ids and suppressions that silence nothing are reported where they are written', async (t) => {
  let stdout = '';
  await main(['check', 'unknown-and-unused.yaml', '--format', 'json', '--fail-on', 'never'], { cwd: fixtures, stdout: (s) => (stdout += s), stderr: () => {} });
  const findings = (JSON.parse(stdout) as { findings: { code: string; message: string; range: { start: { line: number; character: number } } }[] }).findings
    .filter((f) => f.code === 'hygiene/unused-suppression')
    .map((f) => `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.message}`);
  assert.deepEqual(findings, [
    '2:33 `cronjob/no-such-check` is not a check of the Kyverno analyzer, so this suppression silences nothing.',
    '17:52 `kyverno-analyzer-disable-next-line cronjob/mutable-image` silences nothing: line 20 has no cronjob/mutable-image finding.',
    '17:75 `kyverno-analyzer-disable-next-line cronjob/schedule` silences nothing: line 20 has no cronjob/schedule finding.',
    '22:15 `kyverno-analyzer-disable-next-line` names no check: write the check id after it (for example `kyverno-analyzer-disable-next-line conflict/mutation-overwrite -- reason`).',
  ]);
});
