// Spans of keys and values read from a document's lines, for documents the line reader
// (lineValues.ts) accepted, so that a policy's landmarks and most findings get their exact
// positions without `yaml`'s Lexer, Parser and Composer: building those trees was a quarter of a
// command-line run over a policy repository, for a handful of positions per policy.
//
// The answer is `yaml`'s own range for the node (what `spanOf` in paths.ts returns from the tree),
// or undefined wherever this module is not sure of it: the caller then builds the tree. Ranges as
// `yaml` gives them: a scalar from its first to its last character (quotes included, a block
// scalar from its header to the line break after its last line); a block collection from its first
// key or dash to the line break after its last line, a one-line flow sequence from `[` to `]`; for
// a path that does not exist, the deepest node that does (its key when the key is asked for), as
// `spanOf` does. Not answered: flow maps and nested flow collections, empty values, and a block
// collection followed by comment lines (`yaml` may count them in). Equality with the tree is
// tested on generated documents (test/unit/yaml/lineSpans.test.ts, test/fuzz/line-spans.mts) and
// over the corpus (test/bench/line-spans.mts).
import type { Span } from '../findings.ts';
import type { Path } from './paths.ts';
// Keys and list items are recognised exactly as the line reader recognised them.
import { isItem, keyOf } from './lineValues.ts';

interface Line {
  start: number;
  /** Offset of the line break ending the line, or the text's length. */
  end: number;
  indent: number;
  kind: 'blank' | 'comment' | 'content';
}

type Node =
  /** A block map whose keys sit at `column`; its first key is on line `first` (after a dash when it is a list item). */
  | { type: 'map'; column: number; first: number }
  /** A block sequence whose dashes sit at `column`, the first on line `first`. */
  | { type: 'seq'; column: number; first: number }
  | { type: 'scalar'; span: Span }
  /** A one-line flow sequence of scalars (`kinds: [Pod, "Service"]`), with its items' spans. */
  | { type: 'flow'; span: Span; items: Span[] };

class DocumentLines {
  readonly lines: Line[] = [];
  constructor(
    readonly text: string,
    readonly span: Span,
  ) {
    for (let start = span.start; start < span.end;) {
      let end = text.indexOf('\n', start);
      if (end < 0 || end > span.end) end = Math.min(span.end, text.length);
      let indent = 0;
      while (text.charCodeAt(start + indent) === 0x20) indent++;
      const first = start + indent < end ? text[start + indent] : '';
      this.lines.push({ start, end, indent, kind: first === '' ? 'blank' : first === '#' ? 'comment' : 'content' });
      start = end + 1;
    }
  }

  /** The next content line at or after `i`, or -1. */
  nextContent(i: number): number {
    for (let j = i; j < this.lines.length; j++) if (this.lines[j].kind === 'content') return j;
    return -1;
  }

  contentAt(i: number, column: number): string {
    const line = this.lines[i];
    return this.text.slice(line.start + column, line.end);
  }

  /** Offset just past the line break of line `i` (the text's end when it has none). */
  after(i: number): number {
    const line = this.lines[i];
    return line.end < this.text.length ? line.end + 1 : line.end;
  }
}

/** The root node: the first content line, at column 0, after a `---` marker if there is one. */
function root(doc: DocumentLines): Node | undefined {
  let i = doc.nextContent(0);
  if (i >= 0 && doc.contentAt(i, 0) === '---') i = doc.nextContent(i + 1);
  if (i < 0 || doc.lines[i].indent !== 0) return undefined;
  const content = doc.contentAt(i, 0);
  return isItem(content) ? { type: 'seq', column: 0, first: i } : keyOf(content) ? { type: 'map', column: 0, first: i } : undefined;
}

/** The lines of a node's entries (map keys or list dashes), in order. */
function* entries(doc: DocumentLines, node: { type: 'map' | 'seq'; column: number; first: number }): Generator<number> {
  yield node.first;
  for (let i = doc.nextContent(node.first + 1); i >= 0; i = doc.nextContent(i + 1)) {
    const line = doc.lines[i];
    if (line.indent < node.column) return;
    if (line.indent > node.column) continue;
    const item = isItem(doc.contentAt(i, node.column));
    // A dash at a map's column starts a list that is the value of the key before it.
    if (node.type === 'map' && item) continue;
    if (node.type === 'seq' && !item) return;
    yield i;
  }
}

/** The value starting at `column` of line `i` (`text` is what follows there), or the block below it. */
function valueAt(doc: DocumentLines, i: number, column: number, parentColumn: number, inMap: boolean): Node | undefined {
  const rest = doc.contentAt(i, column);
  const text = rest.trimStart();
  if (text === '' || text.startsWith('#')) {
    const next = doc.nextContent(i + 1);
    if (next < 0) return undefined;
    const line = doc.lines[next];
    const content = doc.contentAt(next, line.indent);
    // A scalar alone on the next line is not read here.
    if (line.indent > parentColumn) return isItem(content) ? { type: 'seq', column: line.indent, first: next } : keyOf(content) ? { type: 'map', column: line.indent, first: next } : undefined;
    if (inMap && line.indent === parentColumn && isItem(content)) return { type: 'seq', column: line.indent, first: next };
    return undefined;
  }
  const start = doc.lines[i].start + column + (rest.length - text.length);
  if (text[0] === '[') return flowSequence(doc, i, start, text, parentColumn);
  const span = scalarSpan(doc, i, start, text, parentColumn);
  return span && { type: 'scalar', span };
}

/** A flow sequence of plain and quoted scalars that ends on its line; undefined for anything else. */
function flowSequence(doc: DocumentLines, i: number, start: number, text: string, parentColumn: number): Node | undefined {
  const next = doc.nextContent(i + 1);
  if (next >= 0 && doc.lines[next].indent > parentColumn) return undefined;
  const items: Span[] = [];
  let k = 1;
  const skipSpaces = () => {
    while (text[k] === ' ') k++;
  };
  skipSpaces();
  if (text[k] !== ']') {
    for (;;) {
      skipSpaces();
      const from = k;
      const quote = text[k];
      if (quote === '"' || quote === "'") {
        for (k++; k < text.length; k++) {
          if (quote === '"' && text[k] === '\\') return undefined;
          if (text[k] !== quote) continue;
          if (quote === "'" && text[k + 1] === "'") {
            k++;
            continue;
          }
          break;
        }
        if (k >= text.length) return undefined;
        k++;
        items.push({ start: start + from, end: start + k });
      } else {
        while (k < text.length && text[k] !== ',' && text[k] !== ']') k++;
        const item = text.slice(from, k).trimEnd();
        if (item === '' || /[#{}[]|: /.test(item) || /^[-?:!&*|>'"%@`]/.test(item)) return undefined;
        items.push({ start: start + from, end: start + from + item.length });
      }
      skipSpaces();
      if (text[k] === ']') break;
      if (text[k] !== ',') return undefined;
      k++;
      skipSpaces();
      // A trailing comma, or a nested collection: not read here.
      if (text[k] === ']' || text[k] === '[' || text[k] === '{') return undefined;
    }
  }
  const after = text.slice(k + 1);
  if (after.trim() !== '' && !/^ +#/.test(after)) return undefined;
  return { type: 'flow', span: { start, end: start + k + 1 }, items };
}

function scalarSpan(doc: DocumentLines, i: number, start: number, text: string, parentColumn: number): Span | undefined {
  const quote = text[0];
  if (quote === '[' || quote === '{' || quote === '&' || quote === '*' || quote === '!') return undefined;
  if (quote === '|' || quote === '>') {
    // Block scalar: its lines are indented as deep as its first one (which is past the parent), blank
    // lines between them included; a `#` there is text, not a comment.
    let last = -1;
    let blockIndent = -1;
    for (let j = i + 1; j < doc.lines.length; j++) {
      const line = doc.lines[j];
      if (line.kind === 'blank') continue;
      if (blockIndent < 0) {
        if (line.indent <= parentColumn) break;
        blockIndent = line.indent;
      }
      if (line.indent < blockIndent) break;
      last = j;
    }
    return last < 0 ? undefined : { start, end: doc.after(last) };
  }
  // A scalar continued on the lines below (a multi-line plain or quoted scalar) is not read here.
  const next = doc.nextContent(i + 1);
  if (next >= 0 && doc.lines[next].indent > parentColumn) return undefined;
  if (quote === '"' || quote === "'") {
    for (let k = 1; k < text.length; k++) {
      if (text[k] !== quote) continue;
      if (quote === "'" && text[k + 1] === "'") {
        k++;
        continue;
      }
      if (quote === '"' && text[k - 1] === '\\') return undefined;
      return { start, end: start + k + 1 };
    }
    return undefined;
  }
  const comment = text.indexOf(' #');
  const plain = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  return { start, end: start + plain.length };
}

/** No such child: the map has no such key, the list no such item, or the node is a scalar. */
const MISSING = 'missing';

/** The child of `node` at `segment`: its key's span (maps) and its value; undefined when not sure. */
function childOf(doc: DocumentLines, node: Node, segment: string | number): { key?: Span; value: Node } | typeof MISSING | undefined {
  if (node.type === 'scalar') return MISSING;
  if (node.type === 'flow') {
    const item = typeof segment === 'number' ? node.items[segment] : undefined;
    return item ? { value: { type: 'scalar', span: item } } : MISSING;
  }
  if (node.type === 'map') {
    for (const i of entries(doc, node)) {
      const content = doc.contentAt(i, node.column);
      const key = keyOf(content);
      if (!key) return undefined;
      if (key.name !== String(segment)) continue;
      const keyStart = doc.lines[i].start + node.column;
      const value = valueAt(doc, i, node.column + key.valueAt, node.column, true);
      return value && { key: { start: keyStart, end: keyStart + key.name.length }, value };
    }
    return MISSING;
  }
  if (typeof segment !== 'number') return MISSING;
  let index = 0;
  for (const i of entries(doc, node)) {
    if (index++ !== segment) continue;
    const content = doc.contentAt(i, node.column);
    if (content === '-') return undefined;
    const rest = content.slice(2);
    if (isItem(rest)) return undefined;
    if (keyOf(rest)) return { value: { type: 'map', column: node.column + 2, first: i } };
    const value = valueAt(doc, i, node.column + 2, node.column, false);
    return value && { value };
  }
  return MISSING;
}

/** A collection's span: from its first key or dash to the line break after its last line. */
function collectionSpan(doc: DocumentLines, node: { type: 'map' | 'seq'; column: number; first: number }): Span | undefined {
  const firstLine = doc.lines[node.first];
  const start = firstLine.start + node.column;
  // Its last line: the last content line before one indented less (or, for a list, a key at its column).
  let last = node.first;
  let j = node.first + 1;
  for (; j < doc.lines.length; j++) {
    const line = doc.lines[j];
    if (line.kind !== 'content') continue;
    if (line.indent < node.column) break;
    if (line.indent === node.column && node.type === 'seq' && !isItem(doc.contentAt(j, node.column))) break;
    last = j;
  }
  // Comment lines after its last line may or may not be counted in by `yaml`: not answered.
  for (let k = last + 1; k < j; k++) if (doc.lines[k].kind === 'comment') return undefined;
  // An empty value last (`key:`, `-`) ends the collection before the line break.
  const lastContent = doc.contentAt(last, doc.lines[last].indent);
  if (/(?:^-|:)(?: +#.*)?\s*$/.test(lastContent)) return undefined;
  return { start, end: doc.after(last) };
}

function spanOfNode(doc: DocumentLines, node: Node): Span | undefined {
  return node.type === 'scalar' || node.type === 'flow' ? node.span : collectionSpan(doc, node);
}

let cached: DocumentLines | undefined;

/**
 * The span `spanOf` (paths.ts) gives for `path` in the document at `docSpan` of `text`, when the
 * path exists and its node is one this module reads; undefined otherwise.
 */
export function spanFromLines(text: string, docSpan: Span, path: Path, target: 'key' | 'value' = 'value'): Span | undefined {
  // The landmarks and findings of one document are asked for one after another.
  const doc = cached?.text === text && cached.span.start === docSpan.start && cached.span.end === docSpan.end ? cached : (cached = new DocumentLines(text, docSpan));
  let node = root(doc);
  let key: Span | undefined;
  for (const segment of path) {
    if (!node) return undefined;
    const child = childOf(doc, node, segment);
    if (!child) return undefined;
    // As `spanOf` does: a missing field is reported on the deepest node that exists, at its key.
    if (child === MISSING) break;
    key = child.key;
    node = child.value;
  }
  if (!node) return undefined;
  if (target === 'key' && key) return key;
  return spanOfNode(doc, node);
}
