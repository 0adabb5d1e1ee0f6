// Check (not a test: it reads the whole corpus) that the line reader (server/src/yaml/lineValues.ts)
// reads every corpus file it accepts exactly as `parseAllDocuments` + `toJS` do (values, document
// ranges, no error), and how many files and how much time it takes against the tokeniser.
//   node --import tsx test/bench/line-values.mts [folder]
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, parseAllDocuments } from 'yaml';
import { valuesFromLines } from '../../server/src/yaml/lineValues.ts';
import { corpusRoot } from '../helpers/corpus.ts';

const limits = { maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000 };
const yamlFiles = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return name === '.git' ? [] : yamlFiles(path);
  return /\.ya?ml$/.test(name) ? [path] : [];
});
const files = yamlFiles(process.argv[2] ?? corpusRoot()).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
let accepted = 0;
let acceptedBytes = 0;
for (const { path, text } of files) {
  const lines = valuesFromLines(text, limits);
  if (!lines) continue;
  accepted++;
  acceptedBytes += text.length;
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [];
  assert.ok(list.every((d) => d.errors.length === 0), `accepted a file the library rejects: ${path}`);
  assert.deepStrictEqual(lines, list.map((d) => ({ value: d.toJS({ maxAliasCount: 100 }), span: { start: d.range[0], end: d.range[2] } })), path);
}
const mb = (list: { text: string }[]) => (list.reduce((n, f) => n + f.text.length, 0) / 1e6).toFixed(1);
const time = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
for (let round = 0; round < 2; round++) {
  const lineMs = time(() => files.forEach(({ text }) => valuesFromLines(text, limits)));
  const tokenMs = time(() => files.forEach(({ text }) => Array.from(new Parser().parse(text))));
  if (round === 1) console.log(`${files.length} files (${mb(files)} MB), ${accepted} (${(acceptedBytes / 1e6).toFixed(1)} MB) read line by line (all equal to the library); all files: lines ${lineMs.toFixed(0)} ms, tokens ${tokenMs.toFixed(0)} ms`);
}
