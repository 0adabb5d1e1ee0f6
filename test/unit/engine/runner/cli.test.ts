import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runTestCommand } from '../../../../server/src/cli/test.ts';

const fixtures = join(import.meta.dirname, '../../../fixtures/engine-suites');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runTestCommand(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, cwd: fixtures });
  return { code, stdout, stderr };
}

test('exit 0 and the summary line when every result agrees', async () => {
  const out = await run(['suites/vpol', 'suites/mpol']);
  assert.equal(out.code, 0);
  assert.match(out.stdout, /^agree 6 \/ total 6 \(100\.0%\), disagree 0, unknown 0$/m);
});

test('exit 1 with one line per disagreement', async () => {
  const out = await run(['suites/wrong-expectation']);
  assert.equal(out.code, 1);
  assert.equal(out.stdout.trim().split('\n').length, 3);
  assert.match(out.stdout, /Pod\/unlabelled: expected pass, got fail/);
});

test('--format json has the documented shape', async () => {
  const out = await run(['suites/wrong-expectation', '--format', 'json']);
  const json = JSON.parse(out.stdout);
  assert.equal(json.suites, 1);
  assert.deepEqual(json.results, { total: 2, agree: 0, disagree: 2, unknown: 0 });
  assert.deepEqual(Object.keys(json.failures[0]).sort(), ['actual', 'expected', 'policy', 'reason', 'resource', 'rule', 'suite']);
});

test('exit 2 on an unknown flag or a missing directory, naming it', async () => {
  const flag = await run(['--fast']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--fast/);
  const dir = await run(['no/such/dir']);
  assert.equal(dir.code, 2);
  assert.match(dir.stderr, /no\/such\/dir/);
  assert.equal(dir.stderr.trim().split('\n').length, 1);
  const format = await run(['suites', '--format', 'xml']);
  assert.equal(format.code, 2);
});

test('checks: counted apart from results in text and json, and a check that disagrees fails the run', async () => {
  const text = await run(['suites/conf-checks']);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^checks: agree 2 \/ total 4, disagree 1, unknown 1$/m);
  assert.match(text.stdout, /conf-checks\/kyverno-test\.yaml: check 3: require-team\/team-label on Pod\/default\/unlabelled: got fail/);
  const json = JSON.parse((await run(['suites/conf-checks', '--format', 'json'])).stdout);
  assert.deepEqual(json.checks, { total: 4, agree: 2, disagree: 1, unknown: 1 });
  assert.deepEqual(json.results, { total: 0, agree: 0, disagree: 0, unknown: 0 });
  assert.equal(json.checkFailures.length, 2);
});
