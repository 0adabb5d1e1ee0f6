import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { evaluateCel } from '../../../server/src/cel/evaluate.ts';
import { checkCel } from '../../../server/src/cel/check.ts';

const file = process.env.CEL_VECTORS ?? new URL('../../../../shared/cel/vectors.json', import.meta.url).pathname;
const vectors = JSON.parse(fs.readFileSync(file, 'utf8')) as {
  context: Record<string, unknown>;
  valid: { id: string; expr: string; expect: unknown }[];
  broken: { id: string; expr: string; errorOffset: number }[];
};

// The vectors' context holds no cluster data; two vectors read it through modelled I/O, which
// only answers from what the caller provides. This is that data, as a cluster would hold it.
const modelled = {
  resources: new Map([['v1|configmaps', new Map([['default', new Map([['allowed', { data: { registries: 'docker.io/,registry.example.com/' } }]])]])]]),
  authorize: () => true,
};

for (const v of vectors.valid) {
  test(`valid vector ${v.id} evaluates to its expected value`, () => {
    const result = evaluateCel(v.expr, vectors.context, modelled);
    assert.deepEqual(result, { ok: true, value: v.expect });
  });
  test(`valid vector ${v.id} has no syntax or unknown-function problem`, () => {
    const variableNames = Object.keys(vectors.context.variables as object);
    const problems = checkCel({ path: [], expression: v.expr, role: 'other', variableNames }, {});
    assert.deepEqual(problems, []);
  });
}

for (const v of vectors.broken) {
  test(`broken vector ${v.id} is cel/syntax at offset ${v.errorOffset}`, () => {
    const problems = checkCel({ path: [], expression: v.expr, role: 'other', variableNames: [] }, {});
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.code, 'cel/syntax');
    assert.equal(problems[0]!.severity, 'error');
    assert.equal(problems[0]!.start, v.errorOffset);
  });
}
