// Every check has its four parts: module (registered), docs page, a fixture that fires and one that must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allChecks } from '../../server/src/checks/registry.ts';
import { fixturesOf, readExpectations } from '../helpers/fixtures.ts';

const root = process.cwd();

function docsPages(id: string): string[] {
  const page = join(root, 'docs', 'checks', `${id}.md`);
  if (existsSync(page)) return [page];
  const dir = join(root, 'docs', 'checks', id);
  return existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((n) => n.endsWith('.md')).map((n) => join(dir, n)) : [];
}

test('check ids are unique', () => {
  const ids = allChecks.map((c) => c.id);
  assert.deepEqual(ids, [...new Set(ids)]);
});

for (const check of allChecks) {
  test(`${check.id} has a docs page with Why, Example and Fix`, () => {
    const pages = docsPages(check.id);
    assert.ok(pages.length > 0, `docs/checks/${check.id}.md is missing`);
    for (const page of pages) {
      const text = readFileSync(page, 'utf8');
      for (const section of ['## Why', '## Example', '## Fix']) assert.ok(text.includes(section), `${page} lacks "${section}"`);
    }
  });

  test(`${check.id} has a fixture that fires and one that must not`, () => {
    const fixtures = fixturesOf(join(root, 'test', 'fixtures'), check.id);
    const counts = fixtures.map((f) => readExpectations(f).expectations.filter((e) => e.code === check.id || e.code.startsWith(check.id + '/')).length);
    assert.ok(counts.some((n) => n > 0), `no fixture under test/fixtures/${check.id}/ expects ${check.id}`);
    assert.ok(counts.some((n) => n === 0), `no false-positive guard (a fixture expecting nothing) under test/fixtures/${check.id}/`);
  });
}
