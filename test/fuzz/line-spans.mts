// Long fuzz run of the line locator (not part of npm test): generated manifests printed in many
// layouts, damaged by random insertions anywhere (comments, indicators, markers, block headers); for
// every text the line reader still accepts, every span the locator answers must be the tree's.
//   node --import tsx test/fuzz/line-spans.mts [runs] [seed]
import fc from 'fast-check';
import { stringify } from 'yaml';
import { compareWithTree } from '../helpers/spanOracle.ts';

const runs = Number(process.argv[2] ?? 100000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
const word = fc.constantFrom('v1', 'Pod', 'nginx:1.25', 'a b', '-1', '0', 'true', '-c', "it's", 'two words here', 'x: y', '# not', 'several words that fold past twenty columns', 'a "q" b', "'s'", '[x]', 'k: [a, b]', '', ' lead', 'trail ');
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, word, fc.integer(), tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 3 }),
  map: fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'name', 'spec', 'rules', 'app.kubernetes.io/name', '_k', 'message'), tie('node'), { maxKeys: 4 }),
})).node;
const top = fc.oneof(fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec'), value, { minKeys: 1, maxKeys: 4 }), fc.array(value, { minLength: 1, maxLength: 3 }));
const layout = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 40),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constant('PLAIN'),
  flowCollectionPadding: fc.boolean(),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
} as const);
const insertion = fc.tuple(fc.nat(), fc.constantFrom('# note\n', '  # note\n', '    # note\n', '\n', ' # tail', ' ', ':', '#', '-', '- ', '"', "'", '\n  ', '---\n', '&a ', '[', '{}', ' >-\n', '>\n', '    ', '[a, "b"]', ', ', ']', ' -c', '---', 'k:\n', '- x\n', '  - y\n', '|\n', '  z\n'));
let accepted = 0;
let answered = 0;
fc.assert(
  fc.property(fc.array(top, { minLength: 1, maxLength: 2 }), layout, fc.array(insertion, { maxLength: 4 }), fc.boolean(), (docs, options, inserts, atLineStarts) => {
    let text = docs.map((d) => stringify(d, options)).join('---\n');
    for (const [at, piece] of inserts) {
      const offsets = atLineStarts ? [...text.matchAll(/\n/g)].map((m) => m.index! + 1) : [...Array(text.length + 1).keys()];
      if (!offsets.length) break;
      const offset = offsets[at % offsets.length];
      text = text.slice(0, offset) + piece + text.slice(offset);
    }
    const result = compareWithTree(text);
    if (!result) return;
    accepted++;
    answered += result.answered;
    if (result.disagreements.length) throw new Error(`${JSON.stringify(result.disagreements[0])} in ${JSON.stringify(text)}`);
  }),
  { numRuns: runs, seed },
);
console.log(`${runs} texts, seed ${seed}: ${accepted} read by lines, ${answered} spans answered, all equal to the tree`);
