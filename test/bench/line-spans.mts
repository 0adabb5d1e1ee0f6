// Check (not a test: it reads the whole corpus) that the line locator (server/src/yaml/lineSpans.ts)
// gives, for every key and value of every document the line reader accepts, the span `spanOf` gives
// from `yaml`'s tree, or no answer; and how often it answers.
//   node --import tsx test/bench/line-spans.mts [folder]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { valuesFromLines } from '../../server/src/yaml/lineValues.ts';
import { spanFromLines } from '../../server/src/yaml/lineSpans.ts';
import { spanOf, type Path } from '../../server/src/yaml/paths.ts';
import { corpusRoot } from '../helpers/corpus.ts';

const limits = { maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000 };
const yamlFiles = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return name === '.git' ? [] : yamlFiles(path);
  return /\.ya?ml$/.test(name) ? [path] : [];
});

/** Every path in a tree, the root's included, and paths one step past each that do not exist. */
function paths(node: unknown, path: Path, out: Path[]): Path[] {
  out.push(path, [...path, 'missing'], [...path, 99]);
  if (isMap(node)) for (const pair of node.items) paths(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)], out);
  else if (isSeq(node)) node.items.forEach((item, i) => paths(item, [...path, i], out));
  return out;
}

let files = 0, asked = 0, answered = 0;
const wrong: string[] = [];
for (const file of yamlFiles(process.argv[2] ?? corpusRoot())) {
  const text = readFileSync(file, 'utf8');
  const lines = valuesFromLines(text, limits);
  if (!lines) continue;
  files++;
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, d) => {
    for (const path of paths(doc.contents as YamlNode, [], [])) {
      for (const target of ['value', 'key'] as const) {
        asked++;
        const got = spanFromLines(text, lines[d].span, path, target);
        if (!got) continue;
        answered++;
        const want = spanOf(doc, path, target);
        if (got.start !== want.start || got.end !== want.end) wrong.push(`${file} doc ${d} ${JSON.stringify(path)} ${target}: got ${JSON.stringify(got)} ${JSON.stringify(text.slice(got.start, got.end)).slice(0, 60)}, want ${JSON.stringify(want)} ${JSON.stringify(text.slice(want.start, want.end)).slice(0, 60)}`);
      }
    }
  });
}
console.log(`${files} files read line by line; ${asked} (path, target) pairs asked, ${answered} answered (${((100 * answered) / asked).toFixed(1)}%), ${wrong.length} different from the tree`);
for (const w of wrong.slice(0, 20)) console.log('  ' + w);
process.exitCode = wrong.length ? 1 : 0;
