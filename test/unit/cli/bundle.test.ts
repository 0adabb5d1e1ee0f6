// The bundled binary (what `npm start`, CI users and editors run) works with plain node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('dist/cli.js check examples --format json prints the JSON contract with findings', () => {
  const run = spawnSync(process.execPath, ['dist/cli.js', 'check', 'examples', '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.version, 1);
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f: { file: string }) => f.file.startsWith('examples/')));
  assert.ok(report.summary.policies > 0);
});

test('dist/cli.js --version prints the version', () => {
  const run = spawnSync(process.execPath, ['dist/cli.js', '--version'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
});
