// The engine's CEL runner meters cost from its very first evaluation in a process (the
// environment installs its meter when it is built; no warm-up evaluation is needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCel } from '../../../../server/src/engine/cel/runtime.ts';

test('the first expression a process runs is already cost-bounded', { timeout: 20_000 }, () => {
  const xs = Array.from({ length: 60 }, (_, i) => BigInt(i));
  const outcome = runCel('object.xs.all(a, object.xs.all(b, object.xs.all(c, object.xs.all(d, a + b + c + d >= 0))))', { object: { xs } });
  assert.ok(!outcome.ok && 'error' in outcome, JSON.stringify(outcome));
  assert.match(outcome.error, /exceeded its cost budget/);
});
