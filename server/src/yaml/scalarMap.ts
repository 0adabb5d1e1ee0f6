// Where each character of a YAML scalar's value came from in the file, so a CEL error at index i
// of the expression lands on the exact character of a plain, quoted, literal or folded scalar.
// The value is re-derived from the source with offsets attached and checked against what the
// `yaml` parser produced; when they disagree (a case not modelled), indices fall back to the
// start of the scalar's content rather than to a wrong character.
import type { Scalar } from 'yaml';

type Mapping = (valueIndex: number) => number;

interface Built {
  value: string;
  offsets: number[];
}

class Builder implements Built {
  value = '';
  offsets: number[] = [];
  push(ch: string, at: number): void {
    this.value += ch;
    for (let k = 0; k < ch.length; k++) this.offsets.push(at);
  }
  pop(): void {
    this.value = this.value.slice(0, -1);
    this.offsets.pop();
  }
}

export function scalarSourceMap(text: string, node: Scalar): Mapping {
  const range = node.range;
  const value = typeof node.value === 'string' ? node.value : String(node.value ?? '');
  if (!range) return () => 0;
  const [start, valueEnd] = range;
  let built: Built | undefined;
  switch (node.type) {
    case 'QUOTE_SINGLE': built = flow(text, start + 1, valueEnd - 1, 'single'); break;
    case 'QUOTE_DOUBLE': built = flow(text, start + 1, valueEnd - 1, 'double'); break;
    case 'BLOCK_LITERAL': case 'BLOCK_FOLDED': built = block(text, start, Math.max(valueEnd, range[2]), value, node.type === 'BLOCK_FOLDED'); break;
    default: built = flow(text, start, valueEnd, 'plain'); break;
  }
  if (!built || built.value !== value) {
    const base = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' ? start + 1 : start;
    return (i) => Math.min(base + Math.max(0, i), valueEnd);
  }
  const { offsets } = built;
  const end = offsets.length ? offsets[offsets.length - 1]! + 1 : start;
  return (i) => (i < 0 ? offsets[0] ?? start : i < offsets.length ? offsets[i]! : end);
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Plain and quoted scalars: line folding, plus '' in single and escapes in double quotes. */
function flow(text: string, from: number, to: number, style: 'plain' | 'single' | 'double'): Built {
  const b = new Builder();
  // Unescaped whitespace emitted since the last content character: trimmed at a line break.
  let trailing = 0;
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === '\r' || c === '\n') {
      for (; trailing > 0; trailing--) b.pop();
      // Count the line breaks (empty lines) up to the next content.
      const breaks: number[] = [];
      while (i < to) {
        if (text[i] === '\r' && text[i + 1] === '\n') i++;
        if (text[i] === '\n' || text[i] === '\r') { breaks.push(i); i++; }
        else if (isBlank(text[i])) i++;
        else break;
      }
      if (breaks.length === 1) b.push(' ', breaks[0]!);
      else for (const at of breaks.slice(1)) b.push('\n', at);
      continue;
    }
    if (style === 'single' && c === "'" && text[i + 1] === "'") { b.push("'", i); i += 2; trailing = 0; continue; }
    if (style === 'double' && c === '\\') { i = escape(text, i, to, b); trailing = 0; continue; }
    b.push(c, i);
    trailing = isBlank(c) ? trailing + 1 : 0;
    i++;
  }
  if (style === 'plain') for (; trailing > 0; trailing--) b.pop();
  return b;
}

const simpleEscapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/** One escape sequence at `i` (the backslash); returns the offset after it. */
function escape(text: string, i: number, to: number, b: Builder): number {
  const k = text[i + 1];
  if (k === '\r' || k === '\n') {
    // An escaped line break joins the lines with nothing between them.
    let j = i + 1;
    if (text[j] === '\r' && text[j + 1] === '\n') j++;
    j++;
    while (j < to && isBlank(text[j])) j++;
    return j;
  }
  if (k !== undefined && k in simpleEscapes) { b.push(simpleEscapes[k]!, i); return i + 2; }
  const width = k === 'x' ? 2 : k === 'u' ? 4 : k === 'U' ? 8 : 0;
  if (width) {
    const code = parseInt(text.slice(i + 2, i + 2 + width), 16);
    if (!Number.isNaN(code)) { b.push(String.fromCodePoint(code), i); return i + 2 + width; }
  }
  b.push(k ?? '', i);
  return i + 2;
}

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** The line without its break. */
  text: string;
  /** Offset of the '\n' (or lone '\r') ending it; undefined at end of input. */
  breakAt: number | undefined;
}

function linesOf(text: string, from: number, to: number): Line[] {
  const out: Line[] = [];
  let i = from;
  while (i < to) {
    let j = i;
    while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
    const crlf = text[j] === '\r' && text[j + 1] === '\n';
    const breakAt = j < text.length ? (crlf ? j + 1 : j) : undefined;
    out.push({ start: i, text: text.slice(i, j), breakAt });
    i = breakAt === undefined ? text.length : breakAt + 1;
  }
  return out;
}

/** Block scalars: tries each plausible content indentation and keeps the one that reproduces the value. */
function block(text: string, start: number, end: number, value: string, folded: boolean): Built | undefined {
  let h = start + 1;
  let explicit = 0;
  let chomp: 'clip' | 'strip' | 'keep' = 'clip';
  for (; h < text.length && /[0-9+-]/.test(text[h]!); h++) {
    const c = text[h]!;
    if (c === '-') chomp = 'strip';
    else if (c === '+') chomp = 'keep';
    else explicit = Number(c);
  }
  while (h < text.length && text[h] !== '\n' && text[h] !== '\r') h++;
  if (text[h] === '\r' && text[h + 1] === '\n') h++;
  const lines = linesOf(text, h + 1, end);
  const firstContent = lines.find((l) => l.text.trim() !== '');
  const auto = firstContent ? firstContent.text.length - firstContent.text.trimStart().length : 0;
  const candidates = explicit ? Array.from({ length: Math.max(auto, explicit) }, (_, k) => k + 1).filter((n) => n >= explicit || n === auto) : [auto];
  for (const indent of candidates) {
    const built = blockWith(lines, indent, folded, chomp);
    if (built.value === value) return built;
  }
  return undefined;
}

function blockWith(lines: Line[], indent: number, folded: boolean, chomp: 'clip' | 'strip' | 'keep'): Built {
  const b = new Builder();
  let pending: number[] = [];
  let previous: 'normal' | 'more' | undefined;
  for (const line of lines) {
    const indentation = line.text.length - line.text.trimStart().length;
    // Only a line no longer than the indentation is empty; extra spaces are content.
    const empty = line.text.trim() === '' && line.text.length <= indent;
    if (!empty && indentation < indent && line.text.trim() !== '') break;
    if (empty) {
      if (line.breakAt !== undefined) pending.push(line.breakAt);
      continue;
    }
    const content = line.text.slice(indent);
    const kind = isBlank(content[0]) ? 'more' : 'normal';
    if (previous && folded && previous === 'normal' && kind === 'normal') {
      if (pending.length === 1) b.push(' ', pending[0]!);
      else for (const at of pending.slice(1)) b.push('\n', at);
    } else {
      for (const at of pending) b.push('\n', at);
    }
    pending = [];
    for (let k = 0; k < content.length; k++) b.push(content[k]!, line.start + indent + k);
    previous = kind;
    if (line.breakAt !== undefined) pending.push(line.breakAt);
  }
  const keep = chomp === 'keep' ? pending : chomp === 'clip' && previous ? pending.slice(0, 1) : [];
  for (const at of keep) b.push('\n', at);
  // At end of input without a final break, the parser still clips/keeps one newline.
  const last = lines.at(-1);
  if (chomp !== 'strip' && previous && keep.length === 0 && last && last.breakAt === undefined) {
    b.push('\n', last.start + last.text.length);
  }
  return b;
}

/** The file span of [start, end) in a scalar's value (an empty range stays empty). */
export function scalarSpan(text: string, node: Scalar, start: number, end: number): { start: number; end: number } {
  const map = scalarSourceMap(text, node);
  const from = map(start);
  return { start: from, end: end > start ? Math.max(from, map(end - 1) + 1) : from };
}
