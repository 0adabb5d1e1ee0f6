// Check (not a test: it reads the whole corpus) that the line locator (server/src/yaml/lineSpans.ts)
// gives, for every key and value of every document the line reader accepts (and paths one step past
// them that do not exist), the span `spanOf` gives from `yaml`'s tree, or no answer; and how often it
// answers. Exits non-zero on a difference.
//   node --import tsx test/bench/line-spans.mts [folder]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { corpusRoot } from '../helpers/corpus.ts';
import { compareWithTree } from '../helpers/spanOracle.ts';

const yamlFiles = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (statSync(path).isDirectory()) return name === '.git' ? [] : yamlFiles(path);
  return /\.ya?ml$/.test(name) ? [path] : [];
});

let files = 0, asked = 0, answered = 0;
const wrong: string[] = [];
for (const file of yamlFiles(process.argv[2] ?? corpusRoot())) {
  const text = readFileSync(file, 'utf8');
  const result = compareWithTree(text);
  if (!result) continue;
  files++;
  asked += result.asked;
  answered += result.answered;
  for (const d of result.disagreements) wrong.push(`${file} ${JSON.stringify(d.path)} ${d.target}: got ${JSON.stringify(d.got)} ${JSON.stringify(text.slice(d.got.start, d.got.end)).slice(0, 60)}, want ${JSON.stringify(d.want)} ${JSON.stringify(text.slice(d.want.start, d.want.end)).slice(0, 60)}`);
}
console.log(`${files} files read line by line; ${asked} (path, target) pairs asked, ${answered} answered (${((100 * answered) / asked).toFixed(1)}%), ${wrong.length} different from the tree`);
for (const w of wrong.slice(0, 20)) console.log('  ' + w);
process.exitCode = wrong.length ? 1 : 0;
