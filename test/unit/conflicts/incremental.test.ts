// An edit recomputes only the buckets whose facts changed; the result equals a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { conflictsOf } from '../../../server/src/conflicts/index.ts';

const root = join(process.cwd(), 'test', 'fixtures', 'conflict');
// Checks decided from facts alone: the engine-based ones spend a bounded simulation budget, so
// their first pass over a large workspace can be incomplete (later passes finish the work).
const factChecks = ['mutation-overwrite', 'incompatible-mutations', 'generate-collision', 'unsatisfiable-validations'];
const files = factChecks.flatMap((check) => readdirSync(join(root, check)).filter((f) => f.endsWith('.yaml')).map((f) => join(root, check, f)));
const summary = (index: WorkspaceIndex) => conflictsOf(index).map((c) => `${c.check} ${c.key} ${c.severity} ${c.message}`).sort();

test('after an edit, the incremental result equals a fresh one and untouched conflicts are reused', () => {
  const index = new WorkspaceIndex();
  files.forEach((f, i) => index.setFile(`/ws/${i}.yaml`, readFileSync(f, 'utf8')));
  const before = conflictsOf(index);
  const target = files.findIndex((f) => f.endsWith('cel-label-values.yaml'));
  const edited = readFileSync(files[target], 'utf8').replace('{"team": "b"}', '{"team": "a"}');
  index.setFile(`/ws/${target}.yaml`, edited);
  const after = conflictsOf(index);
  const fresh = new WorkspaceIndex();
  files.forEach((f, i) => fresh.setFile(`/ws/${i}.yaml`, i === target ? edited : readFileSync(f, 'utf8')));
  assert.deepEqual(summary(index), summary(fresh));
  assert.ok(after.length < before.length, 'the edited pair agrees now');
  const reused = after.filter((c) => before.includes(c));
  assert.ok(reused.length >= after.length - 2, `most conflicts reused (${reused.length}/${after.length})`);
});
