// The oracle the line locator (server/src/yaml/lineSpans.ts) is held to, shared by its unit test, the
// corpus check (test/bench/line-spans.mts) and the long fuzz run (test/fuzz/line-spans.mts): for a
// text the line reader accepts, every span it answers equals `spanOf` over `yaml`'s tree.
import { isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { valuesFromLines } from '../../server/src/yaml/lineValues.ts';
import { spanFromLines } from '../../server/src/yaml/lineSpans.ts';
import { spanOf, type Path } from '../../server/src/yaml/paths.ts';

const limits = { maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000 };

/** Every path in a tree, the root's included, and paths one step past each that do not exist. */
export function paths(node: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path, [...path, 'missing'], [...path, 99]);
  if (isMap(node)) for (const pair of node.items) paths(pair.value, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)], out);
  else if (isSeq(node)) node.items.forEach((item, i) => paths(item, [...path, i], out));
  return out;
}

export interface Disagreement {
  path: Path;
  target: 'key' | 'value';
  got: { start: number; end: number };
  want: { start: number; end: number };
}

/**
 * Compares the locator with the tree over every path of every document (and `extraPaths`); undefined
 * when the line reader does not accept the text.
 */
export function compareWithTree(text: string, extraPaths: Path[] = []): { asked: number; answered: number; disagreements: Disagreement[] } | undefined {
  const documents = valuesFromLines(text, limits);
  if (!documents) return undefined;
  const result = { asked: 0, answered: 0, disagreements: [] as Disagreement[] };
  parseAllDocuments(text).forEach((doc, d) => {
    for (const path of [...paths(doc.contents as YamlNode), ...extraPaths]) {
      for (const target of ['value', 'key'] as const) {
        result.asked++;
        const got = spanFromLines(text, documents[d].span, path, target);
        if (!got) continue;
        result.answered++;
        const want = spanOf(doc, path, target);
        if (got.start !== want.start || got.end !== want.end) result.disagreements.push({ path, target, got, want });
      }
    }
  });
  return result;
}
