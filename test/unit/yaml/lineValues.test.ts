// The line reader (lineValues.ts) must read a stream exactly as `parseAllDocuments` + `toJS` do, or
// not at all: every test compares it with the library on the same text, never with hand-written
// expectations. The whole corpus is compared by test/bench/line-values.mts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Document, isScalar, stringify, visit, type ToStringOptions } from 'yaml';
import { valuesFromLines } from '../../../server/src/yaml/lineValues.ts';
import { parseYaml } from '../../../server/src/yaml/parse.ts';
import { agreesWithLibrary as agree } from '../../helpers/yamlOracle.ts';

const limits = { maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000 };
const read = (text: string) => valuesFromLines(text, limits);

const agreesWithLibrary = (text: string) => agree(read, text, 'the reader');

// Plain-looking scalars, and the ones that only look plain.
const scalar = fc.constantFrom(
  '', '~', 'null', 'Null', 'true', 'False', '0', '-1', '+12', '007', '0o17', '0x1F', '1.5', '.5', '-.inf', '.NaN', '1e3', 'yes', 'on',
  '12:30', 'a:b', 'a: b', 'a #b', 'a#b', '#x', '- x', '-x', '? q', "it's", '"quoted"', 'back\\slash', 'trailing ', 'x\u00a0', '\u3000y', 'ünï', '@at', '%pct', '|pipe', '>gt', '*star', '&amp', '!bang', '[x]', 'x[0]', '{y}', 'nginx:1.25', 'http://a/b', '*/5 * * * *',
);
const key = fc.oneof(
  fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'spec', '__proto__', 'toString', 'app.kubernetes.io/name', '1', 'true', 'null', '', 'a b', 'x:y', '_k', 'a-b'),
  fc.constantFrom('=(name)', '(length(c))', "(x == 'y')", '^(k)', '+(k)', '<(k)', 'X(k)', 'a  b', 'a #b', 'a# b', 'a,b', '[k]', 'k]', '{k}', '~', '.5', '<<', '$x', '/p', 'a"b', "a'b", 'a\\b', '0x1', '1e3'),
  fc.string({ maxLength: 5 }),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;
// Messages: words on one or more lines, with empty lines between some (block scalars when printed).
const line = fc.constantFrom('word', 'two words', 'a: b', '# not a comment', '-x');
const text = fc.tuple(line, fc.array(fc.oneof(line, fc.constant('')), { maxLength: 4 }), line).map(([first, middle, last]) => [first, ...middle, last].join('\n'));
// Long sentences: printed as plain scalars over several lines when the line width is short.
const sentence = fc.array(fc.constantFrom('lorem', 'ipsum', 'dolor'), { minLength: 6, maxLength: 12 }).map((words) => words.join(' '));
const listScalar = fc.constantFrom('x', '1', '-c', 'a b', "it's", 'DELETE', '');
// What manifests mostly hold: plain keys and words.
const plainValue = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.constantFrom('v1', 'Pod', 'nginx:1.25', 'a b', '-1', '0', 'true', 'null', '', '-c', '--config=x'), fc.integer(), text, sentence, tie('list'), tie('map')),
  // Lists of lists (`- - x`) are left to the tokeniser.
  list: fc.oneof(fc.array(fc.oneof(tie('map'), listScalar), { maxLength: 4 }), fc.array(listScalar, { minLength: 1, maxLength: 4 })),
  map: fc.dictionary(fc.constantFrom('apiVersion', 'kind', 'name', 'spec', 'app.kubernetes.io/name', 'toString', '_k', 'a-b'), tie('node'), { maxKeys: 4 }),
})).node;
const layout = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN'),
  collectionStyle: fc.constantFrom('any', 'block'),
} as const);
// Comments and blank lines where people put them, and typing damage.
const edit = fc.tuple(fc.nat(), fc.constantFrom('# note\n', '  # note\n', '    # note\n', '\n', ' # tail', ' ', ':', '#', '-', '- ', '"', "'", '\n  ', '---\n', '...\n', '&a ', '*a', '!t ', '[', '{}', 'dup: 1\ndup: 2\n',
  ' >-\n', '>\n', '    ', '[a, "b"]', ', ', ']', ' -c', '---'));

// How generated documents are printed beyond `stringify`'s options: lists of scalars as flow
// sequences, literal block scalars made folded (`|` to `>`: the same lines, another value), and
// empty documents between and after them.
const shapes = fc.record({
  flow: fc.boolean(),
  padding: fc.boolean(),
  folded: fc.boolean(),
  tail: fc.constantFrom('', '', '---\n', '---', '---\n\n', '---\n# end\n', '---\n  \n', '---\n\n  # end'),
  between: fc.constantFrom('---\n', '---\n', '---\n---\n', '---\n# none\n---\n', '---\n\n---\n'),
});

function printed(docs: unknown[], options: ToStringOptions, shape: { flow: boolean; padding: boolean; folded: boolean; tail: string; between: string }): string {
  return docs.map((value) => {
    const doc = new Document(value);
    if (shape.flow) visit(doc, { Seq: (_, node) => void (node.flow = node.items.every(isScalar)) });
    const text = doc.toString({ ...options, flowCollectionPadding: shape.padding });
    return shape.folded ? text.replace(/([:-] )\|(-?)$/gm, '$1>$2') : text;
  }).join(shape.between) + shape.tail;
}

function edited(text: string, [at, piece]: [number, string]): string {
  const i = text.length ? at % text.length : 0;
  return text.slice(0, i) + piece + text.slice(i);
}

describe('reading values line by line', () => {
  it('agrees with parseAllDocuments + toJS on generated documents, and reads most block-style ones', () => {
    let accepted = 0;
    let runs = 0;
    const seen = { folded: 0, flow: 0, empty: 0, dash: 0, plainLines: 0, quotedLines: 0 };
    const plainLayout = fc.record({ indent: fc.constantFrom(2, 4), indentSeq: fc.boolean(), lineWidth: fc.constantFrom(0, 20), defaultStringType: fc.constant('PLAIN'), collectionStyle: fc.constant('any') } as const);
    // Quoted scalars under plain keys, long ones over several lines.
    const quotedLayout = fc.record({ indent: fc.constantFrom(2, 4), indentSeq: fc.boolean(), lineWidth: fc.constant(20), defaultStringType: fc.constantFrom('QUOTE_DOUBLE', 'QUOTE_SINGLE'), defaultKeyType: fc.constant('PLAIN'), collectionStyle: fc.constant('any') } as const);
    fc.assert(fc.property(fc.array(plainValue.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0), { minLength: 1, maxLength: 3 }), fc.oneof(layout, plainLayout, quotedLayout), shapes, (docs, options, shape) => {
      runs++;
      const text = printed(docs, options, shape);
      if (!agreesWithLibrary(text)) return;
      accepted++;
      if (/[:-] >-?\n/.test(text)) seen.folded++;
      if (/\[ ?[^\]]/.test(text)) seen.flow++;
      if (shape.tail || (docs.length > 1 && shape.between !== '---\n')) seen.empty++;
      if (/[:-] -c/.test(text)) seen.dash++;
      if (/:\n? *(?:(?:lorem|ipsum|dolor) ?)+\n *(?:lorem|ipsum|dolor)/.test(text)) seen.plainLines++;
      if (/(?:[:-] |\n +)(?:"[^"\n]*|'[^'\n]*)\n/.test(text)) seen.quotedLines++;
    }), { numRuns: 200 });
    assert.ok(accepted > runs / 10, `only ${accepted} of ${runs} generated streams were read`);
    for (const [shape, count] of Object.entries(seen)) assert.ok(count > 0, `no generated stream with ${shape} was read`);
  });

  it('never accepts an edited document the library rejects, and agrees on the ones it accepts', () => {
    fc.assert(fc.property(fc.oneof(value, plainValue), layout, shapes, fc.array(edit, { minLength: 1, maxLength: 3 }), (doc, options, shape, edits) => {
      agreesWithLibrary(edits.reduce(edited, printed([doc], options, shape)));
    }), { numRuns: 600 });
  });

  it('agrees on the shapes of manifests and test suites, comments and document markers included', () => {
    const texts = [
      '# leading\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # trailing\n  labels: {}\ndata:\n  a: "1"\n  b: \'it\'\'s\'\n',
      '---\napiVersion: v1\nkind: Pod\n---\n# between\n\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    args:\n    - x\n    - "--y"\n  volumes: []\n\n# end\n',
      'spec:\n  steps:\n  - try:\n    - apply:\n        file: a.yaml\n    - assert:\n        file: b.yaml\n  -\n    name: later\n',
      'a:\n- 1\n- two\nb:\n  # inside\n  c: -3\n  d:\n  e: null\n',
      'script: |\n  # not a comment\n  echo "a: b"\n\n    indented\n\nnext: |-\n  x\n\n\n- |\n x\n', 'a: |\n\n  x\n', 'a: |\n  x\n   \n', 'a: |\n  x', 'a: |2\n  x\n', 'a: |+\n  x\n\n', 'a: >\n  x\n  y\n', 'a: |\nb: 1\n', 'a: |\n    x\n  y\n',
      '- a\n- - b\n', 'a: b\n  c\n', 'a: b\n# c\n  d: e\n', 'a:\n  b: 1\n# c\n  d: 2\n', 'a: 1\n---\n', 'a: 1\n--- # c\nb: 2\n', '  a: 1\n',
      'a: "x\\ty"\n', 'a: |\n  x\n', 'a: [1]\n', '"k": v\n', 'k : v\n', 'a: b: c\n', '- a\nb: c\n', 'a:\n  - x\n - y\n', 'a: 1\na: 2\n',
    ];
    const keys = ['=(name)', '(length(c))', "(x == 'y')", 'a  b', 'a #b', 'a# b', 'a,b', 'k]', 'k}', 'a"b', "a'b", '~', '.5', '<<', '1e3', 'X(k)', 'a:b', 'a :'];
    for (const k of keys) texts.push(`${k}: 1\n`, `m:\n  ${k}: x\n`, `- ${k}: x\n  b: 2\n`);
    let accepted = 0;
    for (const text of texts) if (agreesWithLibrary(text)) accepted++;
    assert.ok(accepted >= 4, `only ${accepted} of the plain texts were read`);
  });

  // Each shape below: the texts read (equal to the library) and, next to them, texts the library
  // reads too but this reader leaves to the tokeniser (or that the library rejects).
  const shapeCases = (accepted: string[], refused: string[]) => {
    for (const text of accepted) assert.ok(agreesWithLibrary(text), `not read: ${JSON.stringify(text)}`);
    for (const text of refused) assert.equal(read(text), undefined, `read: ${JSON.stringify(text)}`);
  };

  it('reads folded block scalars as the library folds them', () => {
    shapeCases([
      'a: >-\n  one\n  two\n', 'a: >\n  one\n  two\n', 'a: >\n  x', 'a: >-\n  x\n\n', 'a: >\n  x\n\n\nb: 1\n',
      'a: >\n  x\n  y\n\n  z\n\n\n  w\n', 'a: >-\n  x \n  y\n', 'a: >-\n  x\n  \n  y\n', 'a: >-\n  # x\n  y\n',
      'a: >-\n  x\n # c\nb: 1\n', 'a:\n- >-\n  x\n  y\n', '- >-\n x\n', '- k: >-\n    x\n    y\n  l: 2\n', 'a: >-\n  x\n  y\n---\nb: >\n  z\n',
    ], [
      // More-indented lines, indentation and keep indicators, leading blank lines, comments on the header.
      'a: >-\n  x\n    y\n  z\n', 'a: >-\n  x\n   \n  y\n', 'a: >+\n  x\n\n', 'a: >2\n  x\n', 'a: >-2\n  x\n', 'a: >\n\n  x\n',
      'a: >- # c\n  x\n', 'a: > \n  x\n', 'a: >\nb: 1\n', 'a: >-x\n  y\n',
    ]);
  });

  it('reads one-line flow sequences of scalars as the library does', () => {
    shapeCases([
      'a: ["a", "b"]\n', 'a: [ "x" ]\n', 'a: [3, 4]\n', "a: ['a']\n", 'a: [DELETE]\n', 'a: [v1]\n', 'a: [0]\n', 'a: [ ]\n',
      'a: [a , b ]\n', 'a: [a,b]\n', 'a: [-c, -1, -.inf]\n', 'a: [a:b, http://x]\n', 'a: [a#b]\n', 'a: [a] # c\n', 'a: [a]  \n',
      'a: [a b]\n', 'a: ["", \'\']\n', "a: ['a''b', \"c'\", 'x, y', \"]\"]\n", "a: [a'b, a\"b, a?, a!]\n", 'a: [~, null, true, 0x1F]\n',
      '- [a]\n- b\n', 'a: ["a" ,b]\n', 'a: ["a\\tb", "\\"c\\""]\n',
    ], [
      'a: [a,]\n', 'a: [a, ]\n', 'a: [,a]\n', 'a: [a, [b]]\n', 'a: [{b: 1}]\n', 'a: [a: b]\n', 'a: ["a":b]\n', 'a: [a:]\n', 'a: [a:,b]\n',
      'a: [a #b]\n', 'a: ["a" #b]\n', 'a: [a]#c\n', 'a: [a] b\n', 'a: [- a]\n', 'a: [-]\n', 'a: [:a]\n', 'a: [?a]\n', 'a: [&x a]\n',
'a: [a\n', 'a: [a,\n  b]\n', 'a: [a]\n  b: 1\n', 'a: {b: 1}\n',
    ]);
  });

  it('reads empty documents as the library ranges them', () => {
    shapeCases([
      'a: 1\n---', 'a: 1\n---\n', 'a: 1\n---\n\n\n', 'a: 1\n---\n  \n', 'a: 1\n---\n \n  ', 'a: 1\n\n---\n\n', 'a: 1\n# x\n---\n',
      'a: 1\n---\n# c\n', 'a: 1\n---\n# c', 'a: 1\n---\n\n# c\n\n', 'a: 1\n---\n  # c\n', 'a: 1\n---\n# c\n# d\n', 'a: 1\n---\n#\n',
      'a: 1\n---\nb: 2\n---\n', '---\n', '# c\n---\n', '---\n# c\n',
      // Between documents.
      'a: 1\n---\n---\n', 'a: 1\n---\n---\nb: 1\n', 'a: 1\n---\n\n---\nb: 1\n', 'a: 1\n---\n# c\n---\nb: 1\n', 'a: 1\n---\n# c\n\n---\nb: 1\n',
      'a: 1\n---\n\n# c\n# d\n---\nb: 1\n', 'a: 1\n---\n  # c\n---\nb: 1\n', '---\n# c\n---\nb: 1\n', 'a: 1\n---\n# c\n---\n# d\n',
      'a: 1\n---\n---\n# c\n',
    ], [
      // Markers with more on their line, a document end marker, an empty value before the marker.
      'a: 1\n--- # c\n', 'a: 1\n---  \n', 'a: 1\n---\n...\n', 'a: 1\n---\n...\n---\nb: 1\n', 'a:\n---\n',
    ]);
  });

  it('reads plain scalars that start with a dash as the library does', () => {
    shapeCases([
      'a: -c\n', 'a: --config=x\n', 'a: ---\n', 'a: ---x\n', '- -c\n- -d\n', '- --\n', 'a: -c # x\n', 'a: -c:d\n', 'a: -.inf\n', 'a: -.5\n',
      '- -c -d\n', 'args:\n- -p\n- /x\n', 'a: -c\n  d\n', 'a:\n  -c\n',
    ], [
      'a: -:\n', 'a: -#\n', 'a: -[\n', "a: -'\n", '- -c: d\n', '-c: 1\n', '- - c\n',
    ]);
  });

  it('reads plain scalars over several lines as the library folds them', () => {
    shapeCases([
      'a: x\n  y\n', 'a: x\n  y\n  z\nb: 1\n', 'a: x\n\n  y\n', 'a: x\n  \n  y\n', 'a: x\n\n\n  y\n', 'a: x  \n  y  \n', '- x\n  y\n', '- x\n y\n',
      '- k: x\n    y\n', 'a: x\n  -y\n', 'a: x\n  y#z\n', 'a: x\n    y\n  z\n', 'a: x\n  y\n\n', 'a: x\n  y\n---\nb: 1\n', 'a: 1\n  2\n',
      'a: x\n  ---\n', 'a: x\n  y,z\n', 'a:\n  x\n  y\n', 'a:\n  x\n', 'a:\n    x\n  y\n', 'a:\n  # c\n  x\n  y\n', 'a:\n\n  x\n',
      'a:\n  x # c\n', '- a:\n    x\n    y\n', 'a:\n  1\n', 'a:\n  x:y\n', 'a:\n  x\n\n  y\n',
      // Indicators start nothing on the lines after the first.
      'a: x\n  - y\n', '- x\n  - y\n', 'a: x\n  [y\n', 'a: x\n  &y\n', 'a: x\n  !y\n', 'a: x\n  *y\n', "a: x\n  'y\n", 'a: x\n  "y"\n',
      'a: x\n  ? y\n', '- k: x\n    | y\n', 'a:\n  x\n  > y\n', 'a: x\n  %y\n', 'a: x\n  :y\n', 'a: x\n  -\n', 'a: x\n  ,y\n',
    ], [
      // Comments and keys where they would change the reading, quotes and flows on the first line.
      'a: x # c\n  y\n', 'a: x\n  # c\n  y\n', 'a: x\n  y # c\n', 'a: x\n  y: z\n', 'a: x\n  y:\n', 'a: x\n  : y\n', 'a: "x"\n  y\n', 'a: [x]\n  y\n',
      '- k: x\n  y\n', 'a: # c\n  x\n  y\n', 'a:\n  x # c\n  y\n', 'a: |\n  x\n y\n', 'a:\n  "x"\n  y\n',
    ]);
  });

  it('reads quoted scalars over several lines, and escapes, as the library does', () => {
    shapeCases([
      'a: "x\\ty"\n', 'a: "x\\ny"\n', 'a: "x\\"y"\n', 'a: "x\\\\"\n', 'a: "x\\/y\\ \\0\\N\\_\\e\\L"\n', 'a: "x \\t\n  y"\n',
      'a: "x\n  y"\n', 'a: "x  \n  y"\n', 'a: "x\n\n  y"\n', 'a: "x\n  \n\n  y  "\n', 'a: "x\n  y\n  "\n', 'a: "x\n  y" # c\n', 'a: "x\n  # y\n  z"\n',
      '- "x\n  y"\n', '- "x\n y"\n', '- k: "x\n    y"\n  l: 1\n', 'a: "x\n  y\\"\n  z"\n', 'a: "\n  x"\n',
      "a: 'x\n  y'\n", "a: 'x  \n  y  '\n", "a: 'x\n\n  y'\n", "a: 'x\n  ''y''\n  z'\n", "a: 'x\n  y\n  '\n", "a: '\n  x'\n", "a: 'x\n  '' '\n",
      "a: 'x\n  y' # c\n", "a: 'x \\n\n  y'\n",
      // Starting on the line after the key, as `yaml` prints long ones.
      'a:\n  "x"\n', 'a:\n  "x\n  y"\n', "a:\n  'x'\n", 'a:\n  "x" # c\n', "a:\n  'x\n  y'\nb: 1\n", '- a:\n    \'x\n    y\'\n',
    ], [
      // Escapes of code points and of line breaks, unknown escapes, text after the closing quote, lines not indented.
      'a: "x\\u0041"\n', 'a: "x\\x41"\n', 'a: "x\\q"\n', 'a: "x\\\n  y"\n', 'a: "x\n  y"z\n', 'a: "x\ny"\n', "a: 'x\n  y'z\n", "a: 'x\n---\n  y'\n",
      "a: 'x\n  y\n\n", '- k: "x\n  y"\n', '"k\n  l": v\n', 'a: ["x\n  y"]\n',
    ]);
  });

  it('leaves Unicode spaces to the tokeniser: JavaScript trims them, YAML keeps them', () => {
    shapeCases([], ['a: x\u00a0\n', 'a: \u3000x\n', 'a: [x\u2003]\n', 'a: x\n  y\u00a0\n', 'a: "x"\u00a0\n']);
  });

  it('gives up past the limits, leaving them to the tokeniser that reports them', () => {
    const text = 'a: 1\n---\nb: 2\n';
    assert.ok(read(text));
    assert.equal(valuesFromLines(text, { ...limits, maxDocuments: 1 }), undefined);
    assert.equal(valuesFromLines('a:\n  b:\n    c: 1\n', { ...limits, maxDepth: 2 }), undefined);
    assert.equal(valuesFromLines(text, { ...limits, maxNodes: text.length - 1 }), undefined);
    assert.equal(valuesFromLines('- 1\n- 2\n- 3\n', { ...limits, maxCollectionItems: 2 }), undefined);
    assert.ok(valuesFromLines('a: [1, 2]\n', { ...limits, maxCollectionItems: 2 }));
    assert.equal(valuesFromLines('a: [1, 2, 3]\n', { ...limits, maxCollectionItems: 2 }), undefined);
    // parseYaml reports the limit as before.
    assert.deepEqual(parseYaml(text, { maxAliasCount: 100, maxDocuments: 1 }, () => false).errors.map((e) => e.code), ['limits/document-count']);
    // Longer than maxNodes but with few nodes (a long message): read, and the tokeniser finds no more either.
    const long = `message: >-\n  ${'word '.repeat(30)}\n  end\nargs: [-c, x]\n`;
    assert.ok(valuesFromLines(long, { ...limits, maxNodes: 40 }));
    assert.deepEqual(parseYaml(long, { maxAliasCount: 100, maxDocuments: 10, maxNodes: 40 }).errors, []);
  });

  it('never reads a text in which the tokeniser would count more than maxNodes nodes', () => {
    const nodeLimited = (text: string, maxNodes: number) => parseYaml(text, { maxAliasCount: 100, maxDocuments: 5000, maxNodes }).errors.some((e) => e.code === 'limits/yaml-nodes');
    let limited = 0;
    fc.assert(fc.property(plainValue.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0), shapes, fc.double({ min: 0.05, max: 1, noNaN: true }), (doc, shape, share) => {
      const text = printed([doc], { lineWidth: 0 }, shape);
      if (!read(text)) return;
      const maxNodes = Math.max(1, Math.floor(text.length * share));
      if (!nodeLimited(text, maxNodes)) return;
      limited++;
      assert.equal(valuesFromLines(text, { ...limits, maxNodes }), undefined, `read past ${maxNodes} nodes:\n${text}`);
    }), { numRuns: 200 });
    assert.ok(limited > 10, `only ${limited} texts met the node limit`);
    // Flow sequences: a node per entry and per comma, on one line.
    const flow = `a: [${Array.from({ length: 30 }, (_, i) => i).join(',')}]\n`;
    assert.ok(nodeLimited(flow, 50));
    assert.equal(valuesFromLines(flow, { ...limits, maxNodes: 50 }), undefined);
  });

  it('a file read line by line gives parseYaml the same documents as the tokeniser, with trees on demand', () => {
    const text = '# c\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n';
    assert.ok(read(text));
    const lazy = parseYaml(text, undefined, () => false);
    const eager = parseYaml(text);
    assert.equal(lazy.treesOnDemand, true);
    assert.deepStrictEqual(lazy.documents.map((d) => [d.value, d.span, d.errors]), eager.documents.map((d) => [d.value, d.span, d.errors]));
    assert.deepStrictEqual(lazy.documents[1].doc.range, eager.documents[1].doc.range);
    // The new shapes too, the empty last document's tree included.
    const shaped = 'kind: Policy\nspec:\n  message: >-\n    one\n    two\n  operations: ["CREATE", UPDATE]\n  args: [-c, --x]\n---\n# end\n';
    assert.ok(read(shaped));
    const lazyShaped = parseYaml(shaped, undefined, () => false);
    const eagerShaped = parseYaml(shaped);
    assert.equal(lazyShaped.treesOnDemand, true);
    assert.deepStrictEqual(lazyShaped.documents.map((d) => [d.value, d.span, d.errors]), eagerShaped.documents.map((d) => [d.value, d.span, d.errors]));
    assert.deepStrictEqual(lazyShaped.documents.map((d) => d.doc.range), eagerShaped.documents.map((d) => d.doc.range));
    // Trees wanted: composed from tokens, values the same.
    const wanted = parseYaml(text, undefined, () => true);
    assert.equal(wanted.treesOnDemand, undefined);
    assert.deepStrictEqual(wanted.documents.map((d) => d.value), eager.documents.map((d) => d.value));
  });
});
