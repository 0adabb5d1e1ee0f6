// The line locator (lineSpans.ts) must give the span `spanOf` gives from `yaml`'s tree, or no answer:
// every test compares it with the tree of the same text, never with hand-written offsets. The whole
// corpus is compared by test/bench/line-spans.mts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { valuesFromLines } from '../../../server/src/yaml/lineValues.ts';
import { spanFromLines } from '../../../server/src/yaml/lineSpans.ts';
import type { Path } from '../../../server/src/yaml/paths.ts';
import { compareWithTree } from '../../helpers/spanOracle.ts';

const limits = { maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000 };

/** For a text the line reader accepts: every answer equals the tree's span. Returns how many (path, target) pairs were answered. */
function agreesWithTree(text: string, extraPaths: Path[] = []): number {
  const result = compareWithTree(text, extraPaths);
  if (!result) return 0;
  assert.deepEqual(result.disagreements, [], `in:\n${text}`);
  return result.answered;
}

describe('spanFromLines', () => {
  it('answers for keys, scalars, block scalars and collections as the tree does', () => {
    const text = [
      'apiVersion: kyverno.io/v1',
      'kind: ClusterPolicy   # legacy',
      'metadata:',
      "  name: 'require-labels'",
      'spec:',
      '  rules:',
      '  - name: check-team',
      '    match:',
      '      any:',
      '      - resources:',
      '          kinds:',
      '          - Pod',
      '',
      '    validate:',
      '      message: >-',
      '        The label `team`',
      '',
      '        is required.',
      '      pattern:',
      '        metadata:',
      '          labels:',
      '            team: "?*"',
      '  - name: second',
      '    validate:',
      '      message: |',
      '        one',
      '        two',
      '',
    ].join('\n');
    const answered = agreesWithTree(text);
    assert.ok(answered > 40, `answered ${answered}`);
    const documents = valuesFromLines(text, limits)!;
    for (const path of [[], ['spec', 'rules', 0], ['spec', 'rules', 1, 'validate', 'message'], ['kind']] as Path[]) {
      assert.ok(spanFromLines(text, documents[0].span, path), `no answer for ${JSON.stringify(path)}`);
    }
  });

  it('does not answer where the tree ends a collection differently: an empty value last, comment lines after it', () => {
    for (const text of ['a:\n  b: 1\n  c:\nd: 1\n', 'a:\n  b: 1\n  # trailing\nd: 1\n', 'a:\n- x\n-\nb: 1\n', 'a:\n  b: 1\n  c: # empty\nd: 1\n']) {
      agreesWithTree(text);
      const documents = valuesFromLines(text, limits);
      if (documents) assert.equal(spanFromLines(text, documents[0].span, ['a']), undefined, text);
    }
  });

  it('does not answer for empty values; flow sequences and missing paths are answered as the tree answers them', () => {
    const text = "kinds: [Pod, \"Service\", 'it''s' ]  # c\nempty:\nname: x\nspec:\n  rules:\n  - name: r\n    ops: []\n";
    const documents = valuesFromLines(text, limits)!;
    assert.ok(documents);
    assert.equal(spanFromLines(text, documents[0].span, ['empty']), undefined);
    for (const path of [['kinds'], ['kinds', 0], ['kinds', 1], ['kinds', 2], ['spec', 'rules', 0, 'ops']] as Path[]) {
      assert.ok(spanFromLines(text, documents[0].span, path), JSON.stringify(path));
    }
    const missing: Path[] = [['missing'], ['name', 'deeper'], ['spec', 'name'], ['spec', 'rules', 3], ['spec', 'rules', 'x'], ['spec', 'rules', 0, 'match', 'any']];
    for (const path of missing) for (const target of ['key', 'value'] as const) assert.ok(spanFromLines(text, documents[0].span, path, target), JSON.stringify(path));
    assert.ok(agreesWithTree(text, missing) > 0);
  });

  it('reads each document of a stream within its own span, with or without a final line break', () => {
    for (const text of ['a: 1\n---\nb:\n  c: 2\n', '---\nx:\n- 1\n- 2\n---\ny: z', 'k: v   \nl: w  # c\n']) assert.ok(agreesWithTree(text) > 0, text);
  });

  it('agrees with the tree on scalars continued on the next lines', () => {
    for (const text of ['a:\n  b: one\n    two\nc: 1\n', 'l:\n- first\n  second\n- x\n', 'k: "x\n  y"\nm: 1\n']) agreesWithTree(text, [['a', 'b'], ['l', 0], ['k']]);
  });

  it('agrees with the tree on generated documents, printed in several layouts, with comments and blank lines put in', () => {
    const word = fc.constantFrom('v1', 'Pod', 'nginx:1.25', 'a b', '-1', '0', 'true', '-c', "it's", 'two words here', 'x: y', '# not', 'several words that fold past twenty columns');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, word, fc.integer(), tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 3 }),
      map: fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'name', 'spec', 'rules', 'app.kubernetes.io/name', '_k'), tie('node'), { maxKeys: 4 }),
    })).node;
    const layout = fc.record({
      indent: fc.constantFrom(2, 4),
      indentSeq: fc.boolean(),
      lineWidth: fc.constantFrom(0, 20),
      defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
      defaultKeyType: fc.constant('PLAIN'),
    } as const);
    // Documents are maps or lists at the top, as manifests are.
    const top = fc.oneof(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec'), value, { minKeys: 1, maxKeys: 4 }), fc.array(value, { minLength: 1, maxLength: 3 }));
    const insertion = fc.tuple(fc.nat(), fc.constantFrom('# note\n', '  # note\n', '\n', ' # tail', '    '));
    let answered = 0;
    fc.assert(
      fc.property(fc.array(top, { minLength: 1, maxLength: 2 }), layout, fc.array(insertion, { maxLength: 3 }), (docs, options, inserts) => {
        let text = docs.map((d) => stringify(d, options)).join('---\n');
        const breaks = [...text.matchAll(/\n/g)].map((m) => m.index! + 1);
        for (const [at, piece] of inserts) {
          if (!breaks.length) break;
          const offset = breaks[at % breaks.length];
          text = text.slice(0, offset) + piece + text.slice(offset);
        }
        const n = agreesWithTree(text);
        answered += n;
      }),
      { numRuns: 1000, seed: 14 },
    );
    // Most generated texts must be ones the locator reads, or the property says little.
    assert.ok(answered > 2000, `answered ${answered}`);
  });
});
