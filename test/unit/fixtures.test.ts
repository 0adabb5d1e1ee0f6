// Every fixture under test/fixtures/<check-id>/ must produce exactly the findings written inline
// (`# expect: <code>` on the line they point at); fixtures without expectations guard against false positives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { allChecks } from '../../server/src/checks/registry.ts';
import { allCodes } from '../../server/src/checks/codes.ts';
import { fixturesOf, runFixture } from '../helpers/fixtures.ts';

const root = join(process.cwd(), 'test', 'fixtures');
const declared = allCodes();

for (const check of allChecks) {
  for (const fixture of fixturesOf(root, check.id)) {
    test(`${check.id}: ${fixture.slice(root.length + 1)}`, () => {
      const outcome = runFixture(fixture);
      assert.deepEqual(outcome.actual, outcome.expected, outcome.findings.map((f) => `${f.code}: ${f.message}`).join('\n'));
      // A code reported at run time but missing from the declared list would escape the meta-test.
      assert.deepEqual(outcome.findings.filter((f) => !declared.some((d) => d === f.code || (d.endsWith('/*') && f.code.startsWith(d.slice(0, -1))))).map((f) => f.code), []);
    });
  }
}
