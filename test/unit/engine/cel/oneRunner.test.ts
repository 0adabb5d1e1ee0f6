// The policy engine's runCel and the CEL layer's evaluateCel map cel-js's failures in one place:
// the same failure is the same outcome through either (the engine only drops the `cel/cost` code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCel } from '../../../../server/src/engine/cel/runtime.ts';
import { evaluateCel } from '../../../../server/src/cel/evaluate.ts';

test('a runtime error is the same error through runCel and evaluateCel', () => {
  const viaEngine = runCel('1 / 0 == 1', {});
  const viaLayer = evaluateCel('1 / 0 == 1', {});
  assert.equal(viaEngine.ok, false);
  assert.ok('error' in viaEngine && viaEngine.error.length > 0);
  assert.deepEqual(viaEngine, viaLayer);
});

test('a variable the environment does not provide is unknown through both, with one message', () => {
  const viaEngine = runCel('notDeclaredAnywhere.x == 1', {});
  const viaLayer = evaluateCel('notDeclaredAnywhere.x == 1', {});
  assert.ok('unknown' in viaEngine && viaEngine.unknown.includes('notDeclaredAnywhere'), JSON.stringify(viaEngine));
  assert.deepEqual(viaEngine, viaLayer);
});

test('the cost meter stops both with one message; evaluateCel tags it cel/cost', { timeout: 20_000 }, () => {
  const xs = Array.from({ length: 60 }, (_, i) => i);
  const expression = 'object.xs.all(a, object.xs.all(b, object.xs.all(c, object.xs.all(d, a + b + c + d >= 0))))';
  const viaEngine = runCel(expression, { object: { xs: xs.map(BigInt) } });
  const viaLayer = evaluateCel(expression, { object: { xs } });
  assert.ok('error' in viaEngine, JSON.stringify(viaEngine));
  assert.deepEqual(viaLayer, { ...viaEngine, code: 'cel/cost' });
});
