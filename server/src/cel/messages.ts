// cel-js has no message construction (`Object.spec{field: value}`, `JSONPatch{op: ...}`), which
// Kubernetes mutations are written in. Rather than fork the parser, the expression is rewritten
// into a call cel-js understands, `__msg("Object.spec", {"field": value})`, keeping a map from
// every rewritten offset back to the source so errors and AST ranges still point at the author's
// text.

/** The function the rewrite calls; AST walkers recognise message construction by it. */
export const MESSAGE_FN = '__msg';
/** Marks an optional element (`[?x]`, `{?k: v}`); the enclosing list/map/message drops it when empty. */
export const OPT_FN = '__opt';
export const OPT_LIST_FN = '__optList';
export const OPT_MAP_FN = '__optMap';

export interface Rewritten {
  text: string;
  /** Offset in `text` -> offset in the original expression (also defined at text.length). */
  toOriginal(offset: number): number;
  /** True when anything was rewritten (otherwise text === original). */
  changed: boolean;
}

interface Token { kind: 'ident' | 'punct' | 'other'; start: number; end: number; text: string }

/** Words that can stand before a map literal (`k in {...}`) and never name a message type. */
const KEYWORDS = new Set(['in', 'true', 'false', 'null']);

const identStart = /[A-Za-z_]/;
const identPart = /[A-Za-z0-9_]/;

/** Just enough of CEL's lexer to know where identifiers and braces are (strings and comments skipped). */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    const start = i;
    const quoteAt = stringStart(src, i);
    if (quoteAt >= 0) {
      i = skipString(src, i, quoteAt);
      out.push({ kind: 'other', start, end: i, text: src.slice(start, i) });
      continue;
    }
    if (identStart.test(ch)) {
      while (i < src.length && identPart.test(src[i]!)) i++;
      out.push({ kind: 'ident', start, end: i, text: src.slice(start, i) });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      while (i < src.length && /[0-9A-Za-z_.]/.test(src[i]!)) i++;
      out.push({ kind: 'other', start, end: i, text: src.slice(start, i) });
      continue;
    }
    out.push({ kind: 'punct', start, end: i + 1, text: ch });
    i++;
  }
  return out;
}

/** Offset of the opening quote when a string literal (with r/b prefixes) starts at i, else -1. */
function stringStart(src: string, i: number): number {
  let j = i;
  while (j < i + 2 && /[rRbB]/.test(src[j] ?? '')) j++;
  return src[j] === '"' || src[j] === "'" ? j : -1;
}

function skipString(src: string, start: number, quoteAt: number): number {
  const raw = /[rR]/.test(src.slice(start, quoteAt));
  const q = src[quoteAt]!;
  const triple = src.startsWith(q.repeat(3), quoteAt);
  const close = triple ? q.repeat(3) : q;
  let i = quoteAt + close.length;
  while (i < src.length) {
    if (!raw && src[i] === '\\') { i += 2; continue; }
    if (!triple && src[i] === '\n') return i;
    if (src.startsWith(close, i)) return i + close.length;
    i++;
  }
  return i;
}

/** Rewrites message construction and optional elements; leaves every other character where it was. */
export function rewriteMessages(src: string): Rewritten {
  if (!src.includes('{') && !src.includes('?')) return identity(src);
  const tokens = tokenize(src);
  const before = new Map<number, string[]>();
  const after = new Map<number, string[]>();
  const replace = new Map<number, string>();
  const add = (m: Map<number, string[]>, i: number, s: string): void => { m.set(i, [...(m.get(i) ?? []), s]); };

  interface Frame { kind: 'msg' | 'map' | 'list' | 'paren'; open: number; optional: boolean; pendingClose: boolean; pendingColon: boolean }
  const stack: Frame[] = [];
  let elementStart = false;
  let changed = false;

  const closeElement = (frame: Frame, lastToken: number): void => {
    if (frame.pendingClose) add(after, lastToken, ')');
    frame.pendingClose = false;
    frame.pendingColon = false;
  };

  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const top = stack.at(-1);
    const atElementStart = elementStart;
    elementStart = false;
    if (atElementStart && top && tok.text === '?' && tok.kind === 'punct' && top.kind !== 'paren') {
      // `[?x]`, `{?k: v}`, `Msg{?f: v}`: the element exists only when the optional has a value.
      top.optional = true;
      changed = true;
      if (top.kind === 'list') {
        replace.set(t, `${OPT_FN}(`);
        top.pendingClose = true;
      } else {
        replace.set(t, '');
        top.pendingColon = true;
      }
      elementStart = top.kind === 'msg';
      continue;
    }
    if (atElementStart && top?.kind === 'msg' && tok.kind === 'ident' && tokens[t + 1]?.text === ':') {
      replace.set(t, JSON.stringify(tok.text));
      changed = true;
      continue;
    }
    if (tok.text === ':' && top?.pendingColon) {
      add(after, t, ` ${OPT_FN}(`);
      top.pendingColon = false;
      top.pendingClose = true;
      continue;
    }
    const prev = tokens[t - 1];
    if (tok.kind === 'ident' && !KEYWORDS.has(tok.text) && !(prev?.kind === 'punct' && prev.text === '.')) {
      let k = t;
      const parts = [tok.text];
      while (tokens[k + 1]?.text === '.' && tokens[k + 2]?.kind === 'ident') { parts.push(tokens[k + 2]!.text); k += 2; }
      const brace = tokens[k + 1];
      if (brace?.kind === 'punct' && brace.text === '{') {
        replace.set(t, `${MESSAGE_FN}(${JSON.stringify(parts.join('.'))}, `);
        for (let j = t + 1; j <= k; j++) replace.set(j, '');
        stack.push({ kind: 'msg', open: k + 1, optional: false, pendingClose: false, pendingColon: false });
        elementStart = true;
        changed = true;
        t = k + 1;
        continue;
      }
    }
    if (tok.kind !== 'punct') continue;
    if (tok.text === '{' || tok.text === '[' || tok.text === '(') {
      // `x[?k]` is an optional index, not a list literal: `[` after an expression indexes.
      const indexes = tok.text === '[' && !!prev && (prev.kind !== 'punct' || /[)\]}]/.test(prev.text));
      stack.push({ kind: tok.text === '{' ? 'map' : tok.text === '[' && !indexes ? 'list' : 'paren', open: t, optional: false, pendingClose: false, pendingColon: false });
      elementStart = true;
    } else if (tok.text === ',' && top) {
      closeElement(top, t - 1);
      elementStart = true;
    } else if ((tok.text === '}' || tok.text === ']' || tok.text === ')') && top) {
      stack.pop();
      closeElement(top, t - 1);
      if (top.kind === 'msg') add(after, t, ')');
      else if (top.optional) {
        add(before, top.open, `${top.kind === 'list' ? OPT_LIST_FN : OPT_MAP_FN}(`);
        add(after, t, ')');
      }
    }
  }
  if (!changed) return identity(src);

  let out = '';
  const map: number[] = [];
  const emit = (text: string, origin: number): void => { out += text; for (let k = 0; k < text.length; k++) map.push(origin); };
  let copied = 0;
  tokens.forEach((tok, i) => {
    for (; copied < tok.start; copied++) emit(src[copied]!, copied);
    for (const s of before.get(i) ?? []) emit(s, tok.start);
    const r = replace.get(i);
    if (r === undefined) for (let k = tok.start; k < tok.end; k++) emit(src[k]!, k);
    else emit(r, tok.start);
    copied = tok.end;
    for (const s of after.get(i) ?? []) emit(s, tok.end);
  });
  for (; copied < src.length; copied++) emit(src[copied]!, copied);
  map.push(src.length);
  return {
    text: out,
    changed,
    toOriginal: (offset) => map[Math.max(0, Math.min(offset, map.length - 1))]!,
  };
}

function identity(src: string): Rewritten {
  return { text: src, changed: false, toOriginal: (o) => Math.max(0, Math.min(o, src.length)) };
}
