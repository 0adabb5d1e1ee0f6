// Plain values read line by line from the text, for the plainest YAML only, without `yaml`'s Lexer
// and Parser.
//
// Lexing and parsing into tokens is most of what a parse costs, and most files of a repository
// (policies, test resources, Chainsaw steps, kyverno-test suites) are block maps and lists of
// one-line scalars whose tree nobody asks for. This reader accepts only that shape, plus what those
// files commonly hold beside it: literal and folded block scalars (`|`, `|-`, `>`, `>-`: messages),
// one-line flow sequences of scalars (`operations: ["CREATE", UPDATE]`), plain scalars led by a dash
// (`- --config`), and empty documents (a `---` with only blank lines or comments after it). It
// gives up (`undefined`) on anything else: tabs, carriage returns, control characters, directives,
// `...`, anchors, aliases, tags, other block scalar headers, more-indented lines in a folded
// scalar, multi-line or escaped scalars, quoted or unusual keys, flow maps and nested or multi-line
// flow collections, a comment indented less than the line after it, a line indented past where it
// may continue. The caller then tokenises as before (fastValues.ts, then the composer), so a file
// is either read exactly as `yaml` reads it or not read here at all. Equality with
// `parseAllDocuments` + `toJS` (values and document ranges) is tested on generated documents and
// hand-written edges (test/unit/yaml/lineValues.test.ts) and over the corpus
// (test/bench/line-values.mts).
import type { FastDocument } from './fastValues.ts';
import { plainScalarValue } from './fastValues.ts';

export interface LineLimits {
  maxDocuments: number;
  maxDepth: number;
  /** The tokeniser's node bound: a text that might hold more nodes is left to it. */
  maxNodes: number;
  /** The tokeniser's bound on one collection's entries: a text of more lines is left to it. */
  maxCollectionItems: number;
}

const GIVE_UP = Symbol('give up');
const giveUp = (): never => {
  throw GIVE_UP;
};

// Anything whose reading depends on rules this module does not implement, and the spaces that
// JavaScript's trimming removes but YAML keeps in a scalar.
const REFUSED_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\r]/;
// Plain keys: names, annotation keys, and Kyverno's and Chainsaw's anchored or JMESPath keys
// (`=(name)`, `(length(containers))`); no comment sign, no space at either end.
const PLAIN_KEY = /^[A-Za-z0-9_(=^+<$~.\/][\x21-\x22\x24-\x7e]*(?: [\x21-\x22\x24-\x7e]+)*$/;
// A plain scalar may start with these only under rules not implemented here.
const REFUSED_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
// ...but a dash followed by a name character starts a plain scalar (`-1`, `-c`, `--config`).
const DASH_PLAIN = /^-[\w.\/=-]/;
// Inside a flow sequence these would open a collection, a pair or a comment.
const FLOW_PLAIN_REFUSED = /[[{}]|: |:$| #/;

interface Line {
  start: number;
  indent: number;
  /** The text after the indentation. */
  content: string;
  kind: 'blank' | 'comment' | 'content';
}

class LineReader {
  private i = 0;
  /** Whether the last node read was empty (`key:` or `-` with nothing after): `yaml` then ends the document before the line break. */
  endsEmpty = false;
  constructor(private readonly lines: Line[], private readonly end: number, private readonly maxDepth: number, private readonly maxItems: number) {}

  /** Starts reading a document at line `first`. */
  from(first: number): this {
    this.i = first;
    return this;
  }

  /** The next content line of the document, past blank and comment lines. */
  peek(): Line | undefined {
    for (let j = this.i; j < this.end; j++) if (this.lines[j].kind === 'content') return this.lines[j];
    return undefined;
  }

  private advance(): void {
    while (this.i < this.end && this.lines[this.i].kind !== 'content') this.i++;
    this.i++;
  }

  /** The block starting at the next content line, known to be indented at least as deep as its parent asks. */
  block(depth: number): unknown {
    if (depth >= this.maxDepth) giveUp();
    const line = this.peek()!;
    if (isItem(line.content)) return this.sequence(line.indent, depth);
    if (keyOf(line.content) === undefined) giveUp();
    return this.map(line.indent, line.content, depth);
  }

  /** A block map whose keys sit at column `column`; `first` is its first entry (after a `- ` when the map is a list item). */
  private map(column: number, first: string, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    let entry: string | undefined = first;
    for (;;) {
      this.advance();
      const key = keyOf(entry!) ?? giveUp();
      if (Object.hasOwn(result, key.name)) giveUp();
      const value = this.value(entry!.slice(key.valueAt), column, depth + 1, true);
      // As `yaml` does: a key that names an inherited property (`__proto__`, `toString`) becomes an own one.
      if (key.name in result) Object.defineProperty(result, key.name, { value, writable: true, enumerable: true, configurable: true });
      else result[key.name] = value;
      const next = this.peek();
      if (!next || next.indent < column) return result;
      if (next.indent > column || isItem(next.content)) giveUp();
      entry = next.content;
    }
  }

  private sequence(column: number, depth: number): unknown[] {
    const result: unknown[] = [];
    for (;;) {
      const line = this.peek()!;
      const content = line.content;
      if (content === '-') {
        this.advance();
        const next = this.peek();
        if (next && next.indent > column) result.push(this.block(depth + 1));
        else result.push(this.empty());
      } else {
        // One space after the dash: the item's column is then plain to tell.
        if (content[2] === ' ' || content[2] === undefined) giveUp();
        const itemColumn = column + 2;
        const rest = content.slice(2);
        if (depth + 1 >= this.maxDepth) giveUp();
        if (isItem(rest)) giveUp();
        if (keyOf(rest) !== undefined) result.push(this.map(itemColumn, rest, depth + 1));
        else {
          this.advance();
          result.push(this.scalarValue(rest, column, depth + 1));
        }
      }
      const next = this.peek();
      if (!next || next.indent < column || !isItem(next.content)) {
        if (next && next.indent > column) giveUp();
        return result;
      }
      if (next.indent > column) giveUp();
    }
  }

  /**
   * The value after `key:` (`rest` starts at the colon's following character). Empty: the block on
   * the next lines, a list at the key's own column, or null.
   */
  private value(rest: string, column: number, depth: number, inMap: boolean): unknown {
    if (depth >= this.maxDepth) giveUp();
    const text = rest.trimStart();
    if (text === '' || (text.startsWith('#') && rest !== text)) {
      const next = this.peek();
      if (next && next.indent > column) {
        // A plain or quoted scalar may start on the next line (as `yaml` prints a long one).
        if (text === '' && !isItem(next.content) && keyOf(next.content) === undefined && !/^[[{|>]/.test(next.content)) {
          this.advance();
          return this.scalarValue(next.content, column, depth);
        }
        return this.block(depth);
      }
      if (inMap && next && next.indent === column && isItem(next.content)) return this.sequence(column, depth);
      return this.empty();
    }
    return this.scalarValue(text, column, depth);
  }

  /**
   * A block scalar (`|`, `|-`, `>` or `>-`) whose lines follow, indented past `column`. Refused:
   * other headers, no line, blank lines before its first line or holding more spaces than its
   * indentation, and in a folded scalar more-indented lines (they keep their line breaks).
   */
  private blockScalar(header: string, column: number): string {
    const folded = header[0] === '>';
    if (header.length > 2 || (header.length === 2 && header[1] !== '-')) giveUp();
    const body: string[] = [];
    let indent = -1;
    let last = -1;
    let j = this.i;
    for (; j < this.end; j++) {
      const line = this.lines[j];
      if (line.kind === 'blank') {
        if (indent < 0 || line.indent > indent) giveUp();
        body.push('');
        continue;
      }
      if (indent < 0) {
        if (line.indent <= column) giveUp();
        indent = line.indent;
      }
      if (line.indent < indent) break;
      if (folded && line.indent > indent) giveUp();
      body.push(' '.repeat(line.indent - indent) + line.content);
      last = j;
    }
    if (last < 0) giveUp();
    body.length = last - this.i + 1;
    const kept = folded ? fold(body) : body.join('\n');
    this.i = last + 1;
    return header.length === 1 ? `${kept}\n` : kept;
  }

  private empty(): unknown {
    this.endsEmpty = true;
    return plainScalarValue('', false);
  }

  /** A scalar starting on its key's or dash's line; lines after it indented past `column` continue a plain one. */
  private scalarValue(text: string, column: number, depth: number): unknown {
    if (depth >= this.maxDepth) giveUp();
    const value =
      text[0] === '|' || text[0] === '>' ? this.blockScalar(text, column)
      : (text[0] === '"' || text[0] === "'") && closingQuote(text, 1, text[0]) < 0 ? this.quotedLines(text, column)
      : oneLineScalar(text, this.maxItems);
    this.endsEmpty = false;
    const next = this.peek();
    return next && next.indent > column ? this.continuedPlain(text, column) : value;
  }

  /**
   * A quoted scalar whose first line is `text`, continued on the lines after it (blank, or indented
   * past `column`) up to its closing quote, after which only a comment may follow.
   */
  private quotedLines(text: string, column: number): string {
    const quote = text[0];
    const parts = [text.slice(1)];
    for (let j = this.i; j < this.end; j++) {
      const line = this.lines[j];
      if (line.kind === 'blank') {
        parts.push('');
        continue;
      }
      if (line.indent <= column) giveUp();
      const close = closingQuote(line.content, 0, quote);
      if (close < 0) {
        parts.push(line.content);
        continue;
      }
      parts.push(line.content.slice(0, close));
      if (!/^(?: *| +#.*)$/.test(line.content.slice(close + 1))) giveUp();
      this.i = j + 1;
      return quote === "'" ? singleQuoted(parts) : doubleQuoted(parts.join('\n'));
    }
    return giveUp();
  }

  /**
   * A plain scalar whose first line is `text`, continued on the lines after it indented past
   * `column`, folded as YAML folds them (§7.3.3, §6.5). Refused: a first line that is not plain or
   * ends in a comment, a comment before or among its lines, and lines that could be read as a key.
   */
  private continuedPlain(text: string, column: number): unknown {
    if (/^["'[{|>]/.test(text) || text.includes(' #')) giveUp();
    const body = [text.trimEnd()];
    let last = -1;
    for (let j = this.i; j < this.end; j++) {
      const line = this.lines[j];
      if (line.kind === 'blank') {
        body.push('');
        continue;
      }
      if (line.kind === 'comment' || line.indent <= column) break;
      const content = line.content.trimEnd();
      // Indicators do not start anything after the first line: only a key or a comment would end the scalar.
      if (content.includes(': ') || content.endsWith(':') || content.includes(' #')) giveUp();
      body.push(content);
      last = j;
    }
    if (last < 0) giveUp();
    body.length = last - this.i + 2;
    this.i = last + 1;
    const next = this.peek();
    if (next && next.indent > column) giveUp();
    return plainScalarValue(fold(body), false);
  }
}

export const isItem = (content: string): boolean => content === '-' || content.startsWith('- ');

/** A plain key and where its value starts, or undefined when `content` does not start with one. */
export function keyOf(content: string): { name: string; valueAt: number } | undefined {
  const colon = content.indexOf(':');
  if (colon <= 0) return undefined;
  const after = content[colon + 1];
  if (after !== undefined && after !== ' ') return undefined;
  const name = content.slice(0, colon);
  // `<<` is a merge key to some readers: left to the tokeniser path, as fastValues.ts does.
  if (!PLAIN_KEY.test(name) || name === '<<' || plainScalarValue(name, true) !== name) return undefined;
  return { name, valueAt: colon + 1 };
}

/**
 * Lines as YAML folds them (§6.5), the last not empty (and, in a folded block scalar, none more
 * indented than the first): a line break between two text lines becomes a space, each empty line
 * between them a line break.
 */
function fold(body: string[]): string {
  let value = body[0];
  let breaks = 0;
  for (let i = 1; i < body.length; i++) {
    if (body[i] === '') breaks++;
    else {
      value += (breaks ? '\n'.repeat(breaks) : ' ') + body[i];
      breaks = 0;
    }
  }
  return value;
}

/** Where a quoted scalar whose text goes on at `from` closes (its quote's index), or -1 when not on this line. */
function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === '"' || text[i + 1] !== "'") return i;
      i++;
    }
  }
  return -1;
}

/** The value of the quoted scalar from `open` to `close` on one line. */
function quotedValue(text: string, open: number, close: number): string {
  const inner = text.slice(open + 1, close);
  return text[open] === "'" ? inner.replaceAll("''", "'") : doubleQuoted(inner);
}

// The escapes of YAML 1.2 (§5.7) that stand for one character.
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

/**
 * The text between the quotes of a double-quoted scalar (its lines joined by `\n`, indentation
 * dropped) as YAML reads it: escapes, and lines folded (§7.3.1): spaces before a line break
 * dropped, a line break a space, or one line break per empty line after it. Refused: `\x`, `\u`,
 * `\U` and escaped line breaks.
 */
function doubleQuoted(source: string): string {
  if (!source.includes('\\') && !source.includes('\n')) return source;
  let value = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const escaped = ESCAPES[source[++i]];
      if (escaped === undefined) giveUp();
      value += escaped;
    } else if (ch === '\n') {
      let breaks = '';
      for (; source[i + 1] === ' ' || source[i + 1] === '\n'; i++) if (source[i + 1] === '\n') breaks += '\n';
      value += breaks || ' ';
    } else if (ch === ' ') {
      let end = i;
      while (source[end + 1] === ' ') end++;
      if (source[end + 1] !== '\n') value += source.slice(i, end + 1);
      i = end;
    } else value += ch;
  }
  return value;
}

/**
 * The lines of a single-quoted scalar as YAML folds them (§7.3.2, `unfoldLines` of `yaml`): spaces
 * around line breaks dropped (but after the last line's text), a line break a space, or one line
 * break per empty line after it.
 */
function singleQuoted(lines: string[]): string {
  let value = lines[0].trimEnd();
  let separator = ' ';
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i].trim();
    if (line === '') {
      if (separator === '\n') value += separator;
      else separator = '\n';
    } else {
      value += separator + line;
      separator = ' ';
    }
  }
  return (value + separator + lines[lines.length - 1].trimStart()).replaceAll("''", "'");
}

/** A scalar that ends on its line, with an optional comment after it. */
function oneLineScalar(text: string, maxItems: number): unknown {
  if (text[0] === '"' || text[0] === "'") {
    const close = closingQuote(text, 1, text[0]);
    if (close < 0) giveUp();
    const value = quotedValue(text, 0, close);
    const after = text.slice(close + 1);
    if (after.trim() !== '' && !/^ +#/.test(after)) giveUp();
    return value;
  }
  if (text[0] === '[') return flowSequence(text, maxItems);
  if (text === '{}' || /^\{\} +#/.test(text)) return {};
  if (REFUSED_PLAIN_START.test(text) && !DASH_PLAIN.test(text)) giveUp();
  const comment = text.indexOf(' #');
  const plain = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  if (plain.includes(': ') || plain.endsWith(':') || /[[\]{}]/.test(plain[0] ?? '')) giveUp();
  return plainScalarValue(plain, false);
}

/**
 * A flow sequence of one-line scalars closed on its line (`[a, "b", 'c']`), with an optional
 * comment after it. Refused: nested collections, empty entries (a trailing comma), `key: value`
 * pairs, comments inside, plain entries that start with an indicator, and more entries than the
 * tokeniser allows one collection (the line count bounds the block ones).
 */
function flowSequence(text: string, maxItems: number): unknown[] {
  const items: unknown[] = [];
  let i = 1;
  while (text[i] === ' ') i++;
  while (text[i] !== ']') {
    if (items.length === maxItems) giveUp();
    if (text[i] === '"' || text[i] === "'") {
      const close = closingQuote(text, i + 1, text[i]);
      if (close < 0) giveUp();
      items.push(quotedValue(text, i, close));
      i = close + 1;
      while (text[i] === ' ') i++;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== ']') end++;
      const plain = text.slice(i, end).trimEnd();
      if (plain === '' || (REFUSED_PLAIN_START.test(plain) && !DASH_PLAIN.test(plain)) || FLOW_PLAIN_REFUSED.test(plain)) giveUp();
      items.push(plainScalarValue(plain, false));
      i = end;
    }
    if (text[i] === ',') {
      i++;
      while (text[i] === ' ') i++;
      if (text[i] === ']') giveUp();
    } else if (text[i] !== ']') giveUp();
  }
  if (!/^(?: *| +#.*)$/.test(text.slice(i + 1))) giveUp();
  return items;
}

/**
 * The documents of `text` as plain values with their ranges, or undefined when the text holds
 * anything this reader does not vouch for (see the module comment).
 */
export function valuesFromLines(text: string, limits: LineLimits): FastDocument[] | undefined {
  if (text.length === 0 || REFUSED_CHARACTERS.test(text)) return undefined;
  const lines: Line[] = [];
  let contentLines = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let indent = 0;
    while (text.charCodeAt(start + indent) === 0x20) indent++;
    const content = text.slice(start + indent, end);
    const kind = content === '' ? 'blank' : content[0] === '#' ? 'comment' : 'content';
    if (kind === 'content') contentLines++;
    lines.push({ start, indent, content, kind });
    if (end === text.length) break;
    start = end + 1;
  }
  if (lines.length > limits.maxCollectionItems) return undefined;
  // Every node the tokeniser counts takes a character. Past `maxNodes` characters, a bound on what
  // it counts in the shapes read here: a line holds at most six (`- key: |` and the scalar after
  // it), and a flow sequence two more per comma.
  if (text.length > limits.maxNodes && 6 * contentLines + 2 * commas(text) > limits.maxNodes) return undefined;
  // Documents: from a `---` line (or the first content line) to the next `---` line.
  const documents: FastDocument[] = [];
  try {
    let from = 0;
    while (from < lines.length) {
      let start = from;
      while (start < lines.length && lines[start].kind !== 'content') start++;
      if (start === lines.length) break;
      const marked = isMarker(lines[start]);
      const first = marked ? start + 1 : start;
      let end = first;
      while (end < lines.length && !isMarker(lines[end])) end++;
      for (let i = first; i < end; i++) {
        const line = lines[i];
        if (line.kind === 'content' && line.indent === 0 && /^(\.\.\.|%|---)/.test(line.content)) giveUp();
      }
      if (documents.length >= limits.maxDocuments) giveUp();
      const next = end < lines.length ? lines[end].start : text.length;
      if (!lines.slice(first, end).some((l) => l.kind === 'content')) {
        // A `---` with nothing but blank lines or comments before the next marker: `yaml` gives a
        // null document that ends at the marker, or where the next one starts when a comment follows.
        // (Without a marker the document starts at a content line.)
        const commented = lines.slice(first, end).some((l) => l.kind === 'comment');
        documents.push({ value: null, span: { start: lines[start].start, end: commented ? next : lines[start].start + 3 } });
        from = end;
        continue;
      }
      if (lines[first].kind === 'content' && lines[first].indent > 0 && !marked) giveUp();
      // A comment indented less than the content after it may close a collection early.
      for (let i = first, lastComment = -1; i < end; i++) {
        if (lines[i].kind === 'comment') lastComment = lines[i].indent;
        else if (lines[i].kind === 'content') {
          if (lastComment >= 0 && lastComment < lines[i].indent) giveUp();
          lastComment = -1;
        }
      }
      const reader = new LineReader(lines, end, limits.maxDepth, limits.maxCollectionItems).from(first);
      const top = reader.peek()!;
      if (top.indent !== 0) giveUp();
      const value = reader.block(0);
      if (reader.peek() || reader.endsEmpty) giveUp();
      documents.push({ value, span: { start: lines[start].start + (marked ? 0 : lines[start].indent), end: next } });
      from = end;
    }
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
  return documents.length ? documents : undefined;
}

function commas(text: string): number {
  let count = 0;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) count++;
  return count;
}

function isMarker(line: Line): boolean {
  if (line.indent !== 0 || !line.content.startsWith('---')) return false;
  if (line.content !== '---') giveUp();
  return true;
}
