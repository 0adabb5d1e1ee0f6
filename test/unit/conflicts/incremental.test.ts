// An edit recomputes only the buckets whose facts changed; the result equals a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { workspaceConflicts } from '../../../server/src/checks/conflicts.ts';
import { factsOf } from '../../../server/src/conflicts/facts.ts';
import { displayPath } from '../../../server/src/conflicts/paths.ts';

const root = join(process.cwd(), 'test', 'fixtures', 'conflict');
// Checks decided from facts alone: the engine-based ones spend a bounded simulation budget, so
// their first pass over a large workspace can be incomplete (later passes finish the work).
const factChecks = ['mutation-overwrite', 'incompatible-mutations', 'generate-collision', 'unsatisfiable-validations'];
const files = factChecks.flatMap((check) => readdirSync(join(root, check)).filter((f) => f.endsWith('.yaml')).map((f) => join(root, check, f)));
const summary = (index: WorkspaceIndex) => workspaceConflicts(index).map((c) => `${c.check} ${c.key} ${c.severity} ${c.message}`).sort();

test('after an edit, the incremental result equals a fresh one and untouched conflicts are reused', () => {
  const index = new WorkspaceIndex();
  files.forEach((f, i) => index.setFile(`/ws/${i}.yaml`, readFileSync(f, 'utf8')));
  const before = workspaceConflicts(index);
  const target = files.findIndex((f) => f.endsWith('cel-label-values.yaml'));
  // The (kind, field) buckets the edited file's facts sit in, before and after the edit.
  const touched = new Set<string>();
  const noteBuckets = () => {
    for (const d of index.getFile(`/ws/${target}.yaml`)!.documents) {
      for (const rule of d.policy?.rules ?? []) {
        const facts = factsOf(d.policy!, rule);
        for (const f of [...facts.writes, ...facts.requirements]) {
          touched.add(`${f.kind} ${displayPath(f.path)}`);
          touched.add(`${f.kind} *`); // the invariants of incompatible-mutations combine every write of a kind
        }
        for (const t of facts.targets) touched.add(`target ${t.target.kind} ${t.target.name}`);
      }
    }
  };
  noteBuckets();
  const edited = readFileSync(files[target], 'utf8').replace('{"team": "b"}', '{"team": "a"}');
  index.setFile(`/ws/${target}.yaml`, edited);
  noteBuckets();
  const after = workspaceConflicts(index);
  const fresh = new WorkspaceIndex();
  files.forEach((f, i) => fresh.setFile(`/ws/${i}.yaml`, i === target ? edited : readFileSync(f, 'utf8')));
  assert.deepEqual(summary(index), summary(fresh));
  assert.ok(after.length < before.length, 'the edited pair agrees now');
  // A conflict in a bucket the edit did not touch is the very object computed before the edit.
  const inTouchedBucket = (c: (typeof after)[number]) =>
    c.check === 'conflict/generate-collision'
      ? c.sides.some((side) => side.owner.rule.effect.targets.some((t) => touched.has(`target ${t.kind} ${t.name}`)))
      : [c.kind, '*'].some((k) => touched.has(`${k} ${c.field}`) || (c.check === 'conflict/incompatible-mutations' && touched.has(`${k} *`)));
  const untouched = after.filter((c) => !inTouchedBucket(c));
  assert.ok(untouched.length > after.length / 2, `most conflicts lie elsewhere (${untouched.length}/${after.length})`);
  assert.deepEqual(untouched.filter((c) => !before.includes(c)).map((c) => `${c.check} ${c.kind} ${c.field}`), []);
});
