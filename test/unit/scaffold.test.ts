// `npm run new-check <family>/<id>` writes a check the meta-test and the fixture suite accept as
// it is: run into a temporary copy of the project, then both suites run there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const repo = process.cwd();
const ID = 'scaffold/sample-finding';

function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpa-scaffold-'));
  for (const path of ['package.json', 'server', 'docs', 'scripts', join('test', 'helpers'), join('test', 'fixtures'), join('test', 'unit', 'meta.test.ts'), join('test', 'unit', 'fixtures.test.ts')]) {
    cpSync(join(repo, path), join(dir, path), { recursive: true });
  }
  for (const path of ['node_modules', 'schemas']) symlinkSync(join(repo, path), join(dir, path));
  return dir;
}

function run(cwd: string, args: string[]) {
  // Without the parent runner's NODE_TEST_CONTEXT, a nested `node --test` prints its own report.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
}

test('the scaffold writes module, registry line, docs page and two fixtures that pass the meta-test and the fixture suite', { timeout: 240_000 }, () => {
  const dir = copyProject();
  try {
    const scaffold = run(dir, ['scripts/new-check.mjs', ID]);
    assert.equal(scaffold.status, 0, scaffold.stderr);
    for (const path of ['server/src/checks/scaffold/sampleFinding.ts', 'docs/checks/scaffold/sample-finding.md', 'test/fixtures/scaffold/sample-finding/fires.yaml', 'test/fixtures/scaffold/sample-finding/quiet.yaml']) {
      assert.ok(existsSync(join(dir, path)), `${path} not written`);
    }
    assert.match(readFileSync(join(dir, 'server/src/checks/registry.ts'), 'utf8'), /import \{ sampleFindingCheck \} from '\.\/scaffold\/sampleFinding\.ts';[\s\S]*allChecks[\s\S]*  sampleFindingCheck,\n\];/);

    // The meta-test's tests about this check, and its scan of the sources for undeclared codes.
    const meta = run(dir, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-name-pattern=scaffold/', '--test-name-pattern=sources can report', 'test/unit/meta.test.ts']);
    assert.equal(meta.status, 0, meta.stdout.split('\n').filter((l) => l.includes('✖') || l.includes('Error')).join('\n'));
    // The new check is among those the meta-test judged (not merely a suite that passed without it).
    assert.match(meta.stdout, /✔ scaffold\/sample-finding has a fixture that fires and one that must not/);
    assert.match(meta.stdout, /✔ configuration reaches scaffold\/sample-finding/);

    const fixtures = run(dir, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-name-pattern=^scaffold/', 'test/unit/fixtures.test.ts']);
    assert.equal(fixtures.status, 0, fixtures.stdout);
    assert.match(fixtures.stdout, /✔ scaffold\/sample-finding: scaffold\/sample-finding\/fires\.yaml/);
    assert.match(fixtures.stdout, /✔ scaffold\/sample-finding: scaffold\/sample-finding\/quiet\.yaml/);

    // A second run refuses to overwrite.
    const again = run(dir, ['scripts/new-check.mjs', ID]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the scaffold refuses an id that is not <family>/<dashed-words>', () => {
  const bad = run(repo, ['scripts/new-check.mjs', 'NoFamily', '--dry-run']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: npm run new-check <family>\/<id>/);
});
