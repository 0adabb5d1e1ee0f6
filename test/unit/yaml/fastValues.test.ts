// The token walk (fastValues.ts) must read a stream exactly as `parseAllDocuments` + `toJS` do, or
// not at all: every test compares it with the library on the same text, never with hand-written
// expectations, and checks that what it refuses is refused for a reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Parser, stringify } from 'yaml';
import { valuesFromTokens } from '../../../server/src/yaml/fastValues.ts';
import { parseYaml } from '../../../server/src/yaml/parse.ts';
import { spanOf } from '../../../server/src/yaml/paths.ts';
import { indexText } from '../../../server/src/workspace/document.ts';
import { corpusRoot } from '../../helpers/corpus.ts';
import { agreesWithLibrary as agree, library } from '../../helpers/yamlOracle.ts';

const fast = (text: string) => valuesFromTokens(Array.from(new Parser().parse(text)), 5000, 128);

const agreesWithLibrary = (text: string) => agree(fast, text, 'the walk');

const yamlFiles = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return name === '.git' ? [] : yamlFiles(path);
  return /\.ya?ml$/.test(name) ? [path] : [];
});

// Scalars chosen to hit every branch of the core schema and of scalar quoting.
const trickyScalar = fc.constantFrom(
  '', '~', 'null', 'Null', 'NULL', 'true', 'False', 'TRUE', 'yes', 'on', '0', '-1', '+12', '007', '0o17', '0x1F', '0xG', '1.5', '.5', '-.inf', '.NaN', '1e3', '1_000',
  '12:30', '2024-01-01', 'a: b', 'a #b', '#x', '- x', '? q', "it's", '"quoted"', 'back\\slash', 'tab\there', 'trailing ', ' leading', 'multi\nline', 'multi\n\nparagraph\n', 'ünï', '@at', '`tick', '%pct', '|pipe', '>gt', '*star', '&amp', '!bang', '[x]', '{y}',
);
const key = fc.oneof(fc.constantFrom('apiVersion', 'kind', 'metadata', 'name', 'spec', '__proto__', 'toString', '1', 'true', 'null', '', 'a b', 'x:y'), fc.string({ maxLength: 6 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, trickyScalar, fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;
const layout = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
} as const);
/** Damage a person does while typing: a character inserted, dropped or doubled somewhere. */
const damage = fc.tuple(fc.nat(), fc.constantFrom('\t', ' ', ':', '#', '-', '"', "'", '\n', '&a ', '*a', '!t ', '? ', '[', '{', ',', '%YAML 1.1\n', '...\n', '---\n', 'dup: 1\ndup: 2\n'), fc.constantFrom('insert', 'drop', 'double'));

function damaged(text: string, [at, piece, how]: [number, string, 'insert' | 'drop' | 'double']): string {
  const i = text.length ? at % text.length : 0;
  if (how === 'insert') return text.slice(0, i) + piece + text.slice(i);
  if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i + 1) + text.slice(i);
}

describe('reading values from the token stream', () => {
  it('agrees with parseAllDocuments + toJS on generated documents, and accepts most of them', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), layout, (docs, options) => {
      const text = docs.map((d) => stringify(d, options)).join('---\n');
      runs++;
      if (agreesWithLibrary(text)) accepted++;
    }), { numRuns: 400 });
    // Not a vacuous property: the common shapes (block maps and lists of scalars) are read here.
    assert.ok(accepted > runs / 3, `only ${accepted} of ${runs} generated streams were read by the walk`);
  });

  it('never accepts a damaged document the library rejects, and agrees on the ones it accepts', () => {
    fc.assert(fc.property(value, layout, damage, (doc, options, hit) => {
      agreesWithLibrary(damaged(stringify(doc, options), hit));
    }), { numRuns: 1500 });
  });

  it('gives up on each shape it does not vouch for, the invalid ones among them being errors for the library', () => {
    const invalid = ['a: 1\na: 2\n', 'a: []#c\n', '---#c\na: 1\n', 'a: 1\n---#c\n', 'a:\n\tb: 1\n', 'a: b: c\n', 'a: "x"#c\n', '- a\nb: c\n', 'a: [1, 2\n'];
    const valid = ['a: &x 1\nb: *x\n', 'a: !!str 1\n', '%YAML 1.2\n---\na: 1\n', '? a\n: 1\n', 'a: [1, 2]\n', 'a: 1\n...\n', '<<: {a: 1}\n'];
    for (const text of invalid) {
      assert.equal(fast(text), undefined, `accepted ${JSON.stringify(text)}`);
      assert.equal(library(text).errors, true, `the library accepts ${JSON.stringify(text)}: the case tests nothing`);
    }
    for (const text of valid) assert.equal(fast(text), undefined, `accepted ${JSON.stringify(text)}`);
  });

  it('agrees with the library on every file of the policy library it accepts, and accepts most of them', () => {
    const files = yamlFiles(corpusRoot());
    let accepted = 0;
    for (const path of files) if (agreesWithLibrary(readFileSync(path, 'utf8'))) accepted++;
    assert.ok(accepted > files.length * 0.8, `only ${accepted} of ${files.length} corpus files were read by the walk`);
  });
});

describe('syntax trees on demand', () => {
  const text = '# resources\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "fast"\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  labels: {}\n';

  it('a file read without trees builds the same trees, with the same ranges, when first asked', () => {
    const lazy = parseYaml(text, undefined, () => false);
    const eager = parseYaml(text);
    assert.equal(lazy.treesOnDemand, true);
    assert.equal(eager.treesOnDemand, undefined);
    assert.deepStrictEqual(lazy.documents.map((d) => [d.value, d.span]), eager.documents.map((d) => [d.value, d.span]));
    lazy.documents.forEach((d, i) => {
      assert.deepStrictEqual(d.doc.range, eager.documents[i].doc.range);
      assert.deepStrictEqual(d.doc.getIn(['metadata', 'name'], true), eager.documents[i].doc.getIn(['metadata', 'name'], true));
    });
  });

  it('the indexer builds trees while indexing only for policies and CronJobs whose spans their lines cannot give', () => {
    const options = { maxFileSize: 1_000_000, maxDocuments: 100, maxAliasCount: 100 };
    const policy = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n  - name: r\n    validate:\n      message: m\n';
    const cronJob = 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: "* * * * *"\n';
    // An anchor: the line reader leaves the file to the tokeniser.
    const anchored = (t: string) => t.replace('name: ', 'name: &n ');
    assert.equal(indexText('resources.yaml', text, options).yaml?.treesOnDemand, true);
    for (const [file, body] of [['policy.yaml', `${text}---\n${policy}`], ['cronjob.yaml', cronJob]]) {
      const byLines = indexText(file, body, options);
      assert.equal(byLines.yaml?.treesOnDemand, true, `${file} read by lines`);
      // Its landmarks, read from the lines, are the tree's.
      for (const [key, span] of byLines.spans ?? []) {
        const [docIndex, target, ...path] = key.split('\u0000');
        assert.deepEqual(span, spanOf(parseYaml(body).documents[Number(docIndex)].doc, path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), target as 'key' | 'value'), key);
      }
      assert.equal(indexText(file, anchored(body), options).yaml?.treesOnDemand, undefined, `${file} with an anchor`);
    }
    assert.ok((indexText('policy.yaml', policy, options).spans?.size ?? 0) >= 5);
    // A chainsaw assertion is never checked: no trees, even for a policy.
    assert.equal(indexText('x/.chainsaw-test/policy-assert.yaml', policy, options).yaml?.treesOnDemand, true);
  });
});
