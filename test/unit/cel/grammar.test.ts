import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const file = new URL('../../../syntaxes/cel-injection.tmLanguage.json', import.meta.url);
const grammar = JSON.parse(fs.readFileSync(file, 'utf8'));

interface Rule { begin?: string; end?: string; match?: string; patterns?: Rule[]; include?: string }

function allRules(): Rule[] {
  const out: Rule[] = [];
  const visit = (r: Rule): void => {
    out.push(r);
    r.patterns?.forEach(visit);
  };
  grammar.patterns.forEach(visit);
  Object.values(grammar.repository as Record<string, Rule>).forEach(visit);
  return out;
}

/** The rule's `end`, with the begin captures substituted as the TextMate engine does. */
function endFor(rule: Rule, begin: RegExpExecArray): RegExp {
  const src = rule.end!.replace(/\\([1-9])/g, (_m, n: string) => (begin[Number(n)] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(src);
}

test('the grammar is an injection into YAML with its own scope', () => {
  assert.equal(grammar.scopeName, 'kyverno.cel.injection');
  assert.match(grammar.injectionSelector, /^L:source\.yaml/);
});

test('every begin/end/match regex compiles and every include resolves', () => {
  for (const r of allRules()) {
    for (const key of ['begin', 'end', 'match'] as const) if (r[key]) assert.doesNotThrow(() => new RegExp(r[key]!), `${key}: ${r[key]}`);
    if (r.include?.startsWith('#')) assert.ok(grammar.repository[r.include.slice(1)], `missing ${r.include}`);
  }
});

test('block scalars under expression keys open CEL and close at the next sibling key', () => {
  const rule = grammar.repository['block-value'] as Rule;
  const begin = new RegExp(rule.begin!).exec('    expression: |-');
  assert.ok(begin);
  assert.equal(begin[3], 'expression');
  const end = endFor(rule, begin);
  assert.equal(end.test('      object.spec.containers.all(c,'), false);
  assert.equal(end.test(''), false);
  assert.equal(end.test('    message: x'), true);
  assert.equal(end.test('  other:'), true);
  assert.ok(new RegExp(rule.begin!).exec('  messageExpression: >2 # comment'));
  assert.equal(new RegExp(rule.begin!).exec('  message: |'), null);
  const seq = grammar.repository['block-value-in-sequence'] as Rule;
  const seqBegin = new RegExp(seq.begin!).exec('  - expression: >');
  assert.ok(seqBegin);
  const seqEnd = endFor(seq, seqBegin);
  assert.equal(seqEnd.test('      has(object.x)'), false);
  assert.equal(seqEnd.test('    message: x'), true);
  assert.equal(seqEnd.test('  - expression: y'), true);
});

test('plain and quoted values under expression keys open CEL', () => {
  const plain = new RegExp(grammar.repository['plain-value'].begin);
  assert.ok(plain.exec("  - expression: object.metadata.name == 'x'"));
  assert.ok(plain.exec('    valueExpression: string(object.spec.replicas)'));
  assert.equal(plain.exec('    expression: |'), null);
  assert.ok(new RegExp(grammar.repository['double-quoted-value'].begin).exec('  condition: "has(object.x)"'));
  assert.ok(new RegExp(grammar.repository['single-quoted-value'].begin).exec("  expression: 'a == b'"));
});

test('CEL tokens are scoped', () => {
  const scopeOf = (name: string, sample: string): boolean => new RegExp(grammar.repository[name].match).test(sample);
  assert.ok(scopeOf('function', 'startsWith('));
  assert.ok(scopeOf('message', 'Object.spec{'));
  assert.ok(scopeOf('number', '0x1F'));
  assert.ok(scopeOf('variable', 'oldObject'));
  assert.ok(scopeOf('comment', '// why'));
});
