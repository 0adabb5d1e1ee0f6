// Finds kyverno-test.yaml files; the walk never follows symlinks out of the tree it was given.
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

const skipped = new Set(['node_modules', '.git']);

export function findTestFiles(root: string, fileName = 'kyverno-test.yaml'): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory()) { if (!skipped.has(e.name)) walk(join(dir, e.name)); }
      else if (e.isFile() && e.name === fileName) out.push(join(dir, e.name));
    }
  };
  walk(root);
  return out;
}
