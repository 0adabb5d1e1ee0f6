// Resources read from files that may be far larger than a workspace file: cluster exports
// (`kubectl get deploy,sts,ds,job,cronjob,pod -A -o yaml`, one `kind: List` document holding every
// object). The text is read in chunks and cut into documents, and a List into its items, line by
// line; each piece is parsed alone and handed over, so neither the whole text nor all the trees are
// ever held. Reads obey safeRead's rules: inside the given roots, regular files only, and each
// piece bounded.
import { closeSync, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { isInside, OPEN_FLAGS } from './safeRead.ts';
import { asObj, type Obj } from '../k8s/objects.ts';

export interface StreamOptions {
  /** Real paths reads are confined to; empty confines nothing. */
  roots: readonly string[];
  /** The largest document or List item, in characters; a larger one is skipped with a problem. */
  maxPieceChars: number;
  /** Called about every `progressBytes` of a file larger than that. */
  onProgress?: (file: string, read: number, size: number) => void;
  progressBytes?: number;
  /** A piece that is skipped or does not parse: the reading goes on. */
  onProblem?: (file: string, message: string) => void;
  /** When given, a piece whose text fails this test is not parsed (a first pass that only wants Namespaces). */
  prefilter?: RegExp;
}

const CHUNK = 1 << 20;
const YAML_FILE = /\.(ya?ml|json)$/i;

/** The YAML and JSON files under the paths (a file named is taken whatever its name), in a stable order. */
export function resourceFiles(paths: readonly string[], onProblem: (file: string, message: string) => void): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (path: string, named: boolean) => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (error) {
      onProblem(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`);
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    const stat = statSync(real);
    if (stat.isDirectory()) {
      for (const name of readdirSync(real).sort()) if (!name.startsWith('.')) walk(join(path, name), false);
    } else if (named || YAML_FILE.test(path)) out.push(path);
  };
  for (const path of paths) walk(path, true);
  return out;
}

/** Lines of a file, read a chunk at a time (UTF-8, a line's end included or not: trailing `\r` dropped). */
function* linesOf(path: string, options: StreamOptions): Generator<string> {
  const real = realpathSync(path);
  if (options.roots.length && !options.roots.some((root) => isInside(root, real))) throw new Error('resolves (through a symbolic link) outside the given paths; not read');
  const fd = openSync(real, OPEN_FLAGS);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file; not read');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buffer = Buffer.alloc(CHUNK);
    const every = options.progressBytes ?? Infinity;
    let position = 0;
    let nextProgress = every;
    let rest = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, position);
      if (n === 0) break;
      position += n;
      if (position >= nextProgress && stat.size > every) {
        options.onProgress?.(path, position, stat.size);
        nextProgress = position + every;
      }
      const text = rest + decoder.decode(buffer.subarray(0, n), { stream: true });
      if (text.includes('\0')) throw new Error('binary content (NUL bytes); not read');
      const lines = text.split('\n');
      rest = lines.pop()!;
      // A line longer than any piece may be is refused before it is kept whole.
      if (rest.length > options.maxPieceChars) throw new Error(`a line over ${options.maxPieceChars} characters; not read`);
      for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    rest += decoder.decode();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

const BOUNDARY = /^(?:---|\.\.\.)(?:\s|$)/;
const ITEMS = /^items:\s*(?:#.*)?$/;
const ITEM_START = /^(\s*)- /;

/**
 * The objects of one file: each document's object, and each item of a top-level `items:` list of
 * objects (a `kind: List` export, whatever its kind line says, since kubectl writes it last).
 */
export function* streamObjects(path: string, options: StreamOptions): Generator<Obj> {
  if (/\.json$/i.test(path)) {
    yield* jsonObjects(path, options);
    return;
  }
  let header: string[] = [];
  let headerChars = 0;
  let item: string[] | undefined;
  let itemChars = 0;
  let itemIndent = -1;
  let inItems = false;
  let hadItems = false;
  let tooLarge = false;
  let docIndex = 0;

  const parse = (text: string, what: string): Obj | undefined => {
    if (options.prefilter && !options.prefilter.test(text)) return undefined;
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) {
      options.onProblem?.(path, `${what}: ${doc.errors[0]!.message.split('\n')[0]}`);
      return undefined;
    }
    return asObj(doc.toJS({ maxAliasCount: 100 }));
  };
  const flushItem = function* (): Generator<Obj> {
    if (!item) return;
    const lines = item;
    item = undefined;
    if (itemChars > options.maxPieceChars) {
      options.onProblem?.(path, `document ${docIndex + 1}: a List item of ${itemChars} characters, over the limit of ${options.maxPieceChars}; skipped`);
      return;
    }
    const object = parse(lines.join('\n'), `document ${docIndex + 1}, List item`);
    if (object && typeof object.kind === 'string') yield object;
  };
  const flushDocument = function* (): Generator<Obj> {
    yield* flushItem();
    const text = header.join('\n');
    const skipped = tooLarge;
    const list = hadItems;
    header = [];
    hadItems = false;
    headerChars = 0;
    inItems = false;
    tooLarge = false;
    itemIndent = -1;
    if (skipped) options.onProblem?.(path, `document ${docIndex + 1}: over the limit of ${options.maxPieceChars} characters; skipped`);
    else if (text.trim() && !list) {
      const object = parse(text, `document ${docIndex + 1}`);
      if (object && typeof object.kind === 'string' && !Array.isArray(object.items)) yield object;
    }
    docIndex++;
  };

  for (const line of linesOf(path, options)) {
    if (BOUNDARY.test(line)) {
      yield* flushDocument();
      continue;
    }
    if (inItems) {
      const start = ITEM_START.exec(line);
      const indent = line.length - line.trimStart().length;
      if (start && (itemIndent < 0 || start[1]!.length === itemIndent)) {
        yield* flushItem();
        itemIndent = start[1]!.length;
        item = [' '.repeat(itemIndent + 2) + line.slice(itemIndent + 2)];
        itemChars = line.length;
        continue;
      }
      if (item && (line.trim() === '' || line.trimStart().startsWith('#') || indent > itemIndent)) {
        itemChars += line.length + 1;
        if (itemChars <= options.maxPieceChars) item.push(line);
        continue;
      }
      yield* flushItem();
      inItems = false;
    }
    if (ITEMS.test(line)) {
      inItems = true;
      hadItems = true;
      continue;
    }
    headerChars += line.length + 1;
    if (headerChars > options.maxPieceChars) tooLarge = true;
    else header.push(line);
  }
  yield* flushDocument();
}

function* jsonObjects(path: string, options: StreamOptions): Generator<Obj> {
  let text = '';
  for (const line of linesOf(path, options)) {
    text += line + '\n';
    if (text.length > options.maxPieceChars) {
      options.onProblem?.(path, `a JSON file over ${options.maxPieceChars} characters; skipped (export YAML to stream it)`);
      return;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    options.onProblem?.(path, `not valid JSON: ${(error as Error).message}`);
    return;
  }
  const object = asObj(value);
  const items = Array.isArray(object?.items) ? object!.items : [object];
  for (const each of items) {
    const item = asObj(each);
    if (item && typeof item.kind === 'string' && (!options.prefilter || options.prefilter.test(JSON.stringify(item)))) yield item;
  }
}
