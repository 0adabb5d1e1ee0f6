// Reading the files a test names, confined to the root the run was given: a path that resolves
// outside it (by `..` or a symlink) is refused before anything is read.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseYaml } from '../../yaml/parse.ts';
import { readWorkspacePath } from '../../workspace/safeRead.ts';
import { defaultConfig } from '../../workspace/config.ts';

export class SuiteError extends Error {}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

export function resolveConfined(root: string, baseDir: string, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new SuiteError(`path ${path} is a URL: nothing is fetched`);
  const target = resolve(baseDir, path);
  const realRoot = existsSync(root) ? realpathSync(root) : resolve(root);
  if (!inside(resolve(root), target)) throw new SuiteError(`path ${path} resolves outside the test root ${root}`);
  if (!existsSync(target)) throw new SuiteError(`path ${path} does not exist`);
  const real = realpathSync(target);
  if (!inside(realRoot, real)) throw new SuiteError(`path ${path} resolves outside the test root ${root}`);
  return real;
}

/** Every YAML document in a file or, for a directory, in its .yaml/.yml/.json files (not descending further). */
export function loadDocuments(file: string): Record<string, unknown>[] {
  if (statSync(file).isDirectory()) {
    const files = readdirSync(file).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
    return files.flatMap((n) => {
      const child = join(file, n);
      // A symlinked entry must not lead out of the directory that was allowed.
      if (!inside(realpathSync(file), realpathSync(child))) throw new SuiteError(`path ${child} resolves outside ${file}`);
      return statSync(child).isFile() ? loadDocuments(child) : [];
    });
  }
  // Suites name their own files: read like any workspace file (regular files only, size, binary,
  // UTF-8); `resolveConfined` has already held the path to the test root.
  const read = readWorkspacePath(file, { roots: [], maxBytes: defaultConfig.maxFileSize });
  if (!read.ok) throw new SuiteError(`${file}: ${read.message}`);
  // Parsed like a workspace file, under the same bounds (documents, nodes, entries, aliases, depth).
  const parsed = parseYaml(read.text);
  if (parsed.errors.length > 0) throw new SuiteError(`${file}: ${parsed.errors[0]!.message}`);
  const out: Record<string, unknown>[] = [];
  for (const doc of parsed.documents) {
    if (doc.errors.length > 0) throw new SuiteError(`${file}: ${doc.errors[0]!.message}`);
    const value = doc.value;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const rec = value as Record<string, unknown>;
      // A `kind: List` file holds its objects under items.
      if (rec.kind === 'List' && Array.isArray(rec.items)) out.push(...rec.items.filter((i): i is Record<string, unknown> => !!i && typeof i === 'object'));
      else out.push(rec);
    }
  }
  return out;
}
