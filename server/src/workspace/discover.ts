import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { AnalyzerConfig } from './config.ts';
import { compileGlobs } from './glob.ts';
import { confinementRoots, isInside, readWorkspacePath } from './safeRead.ts';

/** A `.gitignore` larger than this is not read (it then ignores nothing). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;

export interface DiscoveredFile {
  path: string;
  /** Its real path (symlinks resolved), already known to discovery: readers need not resolve it again. */
  realPath: string;
}

export interface DiscoveryProblem {
  path: string;
  code: 'io/unreadable' | 'io/symlink-loop' | 'io/outside-workspace';
  message: string;
}

interface GitIgnoreScope {
  base: string;
  rules: Ignore;
}

/**
 * Walks the given roots for YAML files: honours every `.gitignore` on the way (scoped to its
 * folder, as git does) and the config's include/exclude globs (relative to the workspace root).
 * Symlinked folders are followed once; a link back into a folder already on the path is a loop,
 * and a link to a folder outside the roots is reported and not entered.
 */
export function discoverFiles(roots: string[], workspaceRoot: string, config: AnalyzerConfig): { files: DiscoveredFile[]; problems: DiscoveryProblem[] } {
  const include = compileGlobs(config.include);
  const exclude = compileGlobs(config.exclude);
  const confined = confinementRoots(roots);
  const files: DiscoveredFile[] = [];
  const problems: DiscoveryProblem[] = [];
  const seenFiles = new Set<string>();

  // Globs are relative to the workspace root; a path given outside it is matched relative to itself.
  let walkRoot = workspaceRoot;
  const relativeToRoot = (path: string) => {
    const rel = relative(workspaceRoot, path);
    return (rel.startsWith('..') ? relative(walkRoot, path) : rel).split(sep).join('/');
  };

  const ignored = (path: string, isDir: boolean, scopes: GitIgnoreScope[]) =>
    scopes.some((scope) => {
      const rel = relative(scope.base, path).split(sep).join('/');
      return rel !== '' && !rel.startsWith('..') && scope.rules.ignores(isDir ? rel + '/' : rel);
    });

  // `realPath` is known for a regular file in a folder already resolved: one realpath per folder
  // and per link instead of one per file (thousands in a policy repository).
  const addFile = (path: string, realPath?: string) => {
    let real = realPath;
    if (real === undefined) {
      try {
        real = realpathSync(path);
      } catch (error) {
        problems.push({ path, code: 'io/unreadable', message: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}` });
        return;
      }
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push({ path, realPath: real });
  };

  // `realDir` is known for a folder entered from a resolved parent through a plain entry (no link).
  const walk = (dir: string, scopes: GitIgnoreScope[], ancestors: Set<string>, realDir?: string) => {
    let real: string;
    try {
      real = realDir ?? realpathSync(dir);
    } catch (error) {
      problems.push({ path: dir, code: 'io/unreadable', message: `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return;
    }
    if (!confined.some((root) => isInside(root, real))) {
      problems.push({ path: dir, code: 'io/outside-workspace', message: `${dir} is a symbolic link to a folder outside the workspace; not followed` });
      return;
    }
    if (ancestors.has(real)) {
      problems.push({ path: dir, code: 'io/symlink-loop', message: `symbolic link loop at ${dir} (points back to ${real}); not followed` });
      return;
    }
    const nextAncestors = new Set(ancestors).add(real);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, code: 'io/unreadable', message: `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return;
    }
    let localScopes = scopes;
    if (entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      // An unreadable .gitignore (a FIFO, a link out of the workspace, too big) ignores nothing.
      const read = readWorkspacePath(join(dir, '.gitignore'), { roots: confined, maxBytes: MAX_GITIGNORE_BYTES });
      if (read.ok) localScopes = [...scopes, { base: dir, rules: ignore().add(read.text) }];
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          problems.push({ path, code: 'io/unreadable', message: `broken symbolic link ${path}` });
          continue;
        }
      }
      if (entry.name === '.git') continue;
      const rel = relativeToRoot(path);
      if (ignored(path, isDir, localScopes)) continue;
      if (isDir) {
        if (exclude(rel + '/') || exclude(rel)) continue;
        walk(path, localScopes, nextAncestors, entry.isSymbolicLink() ? undefined : join(real, entry.name));
      } else if (isFile && include(rel) && !exclude(rel)) {
        addFile(path, entry.isSymbolicLink() ? undefined : join(real, entry.name));
      }
    }
  };

  for (const root of roots) {
    let stat;
    try {
      stat = statSync(root);
    } catch (error) {
      problems.push({ path: root, code: 'io/unreadable', message: `cannot read ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}` });
      continue;
    }
    walkRoot = stat.isDirectory() ? root : join(root, '..');
    if (stat.isDirectory()) walk(root, [], new Set());
    else addFile(root);
  }
  return { files, problems };
}
