// Every fixture under test/fixtures/<check-id>/ must produce exactly the findings annotated under
// the lines they point at (severity, code, exact columns, a message fragment: see
// test/helpers/fixtures.ts), and each `.fixed` file must be its file after the preferred fixes.
// Fixtures without annotations guard against false positives. UPDATE_EXPECT=1 rewrites them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { allChecks } from '../../server/src/checks/registry.ts';
import { allCodes } from '../../server/src/checks/codes.ts';
import { fixturesOf, runFixture, updateFixture } from '../helpers/fixtures.ts';

const root = join(process.cwd(), 'test', 'fixtures');
const declared = allCodes();
const update = process.env.UPDATE_EXPECT === '1';

for (const check of allChecks) {
  for (const fixture of fixturesOf(root, check.id)) {
    test(`${check.id}: ${fixture.slice(root.length + 1)}`, () => {
      if (update) updateFixture(fixture);
      const outcome = runFixture(fixture);
      assert.deepEqual(outcome.actual, outcome.expected, outcome.findings.map((f) => `${f.code}: ${f.message}`).join('\n'));
      assert.deepEqual(outcome.fixed.actual, outcome.fixed.expected, 'the .fixed files differ from the text after the preferred fixes (UPDATE_EXPECT=1 rewrites them)');
      // A code reported at run time but missing from the declared list would escape the meta-test.
      assert.deepEqual(outcome.findings.filter((f) => !declared.some((d) => d === f.code || (d.endsWith('/*') && f.code.startsWith(d.slice(0, -1))))).map((f) => f.code), []);
    });
  }
}
