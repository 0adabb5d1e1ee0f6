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
const CONFLICT_ID = 'conflict/sample-clash';

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

/** Scaffolds `id` in a copy of the project, then runs the meta-test's and the fixture suite's tests about it there. */
function scaffoldPasses(id: string, module: string, symbol: string): string {
  const [family, name] = id.split('/');
  const dir = copyProject();
  try {
    const scaffold = run(dir, ['scripts/new-check.mjs', id]);
    assert.equal(scaffold.status, 0, scaffold.stderr);
    for (const path of [module, `docs/checks/${id}.md`, `test/fixtures/${id}/fires.yaml`, `test/fixtures/${id}/quiet.yaml`]) {
      assert.ok(existsSync(join(dir, path)), `${path} not written`);
    }
    const registry = readFileSync(join(dir, 'server/src/checks/registry.ts'), 'utf8');
    assert.ok(registry.includes(`import { ${symbol} } from './${module.slice('server/src/checks/'.length)}';`), 'no import line in the registry');
    assert.match(registry, new RegExp(`\\n  ${symbol},\\n\\];`), 'not last in allChecks');

    // The meta-test's tests about this check, and its scan of the sources for undeclared codes.
    const meta = run(dir, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-name-pattern=${family}/${name}`, '--test-name-pattern=sources can report', 'test/unit/meta.test.ts']);
    assert.equal(meta.status, 0, meta.stdout.split('\n').filter((l) => l.includes('✖') || l.includes('Error')).join('\n'));
    // The new check is among those the meta-test judged (not merely a suite that passed without it).
    assert.ok(meta.stdout.includes(`✔ ${id} has a fixture that fires and one that must not`), meta.stdout);
    assert.ok(meta.stdout.includes(`✔ configuration reaches ${id}`), meta.stdout);

    const fixtures = run(dir, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-name-pattern=^${id}: `, 'test/unit/fixtures.test.ts']);
    assert.equal(fixtures.status, 0, fixtures.stdout);
    assert.ok(fixtures.stdout.includes(`✔ ${id}: ${id}/fires.yaml`), fixtures.stdout);
    assert.ok(fixtures.stdout.includes(`✔ ${id}: ${id}/quiet.yaml`), fixtures.stdout);

    // A second run refuses to overwrite.
    const again = run(dir, ['scripts/new-check.mjs', id]);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already exists/);
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

test('the scaffold writes module, registry line, docs page and two fixtures that pass the meta-test and the fixture suite', { timeout: 240_000 }, () => {
  const dir = scaffoldPasses(ID, 'server/src/checks/scaffold/sampleFinding.ts', 'sampleFindingCheck');
  rmSync(dir, { recursive: true, force: true });
});

test('a scaffolded conflict check owns its finder: the registry line is the only change outside its own files', { timeout: 240_000 }, () => {
  const dir = scaffoldPasses(CONFLICT_ID, 'server/src/checks/conflict/sampleClash.ts', 'sampleClashCheck');
  try {
    for (const path of ['server/src/conflicts/index.ts', 'server/src/checks/conflicts.ts', 'server/src/checks/conflict/report.ts']) {
      assert.equal(readFileSync(join(dir, path), 'utf8'), readFileSync(join(repo, path), 'utf8'), `${path} changed`);
    }
    assert.match(readFileSync(join(dir, 'server/src/checks/conflict/sampleClash.ts'), 'utf8'), /conflicts: \[\{ stage: 'facts', find: findSampleClash \}\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the scaffold refuses an id that is not <family>/<dashed-words>', () => {
  const bad = run(repo, ['scripts/new-check.mjs', 'NoFamily', '--dry-run']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /usage: npm run new-check <family>\/<id>/);
});
