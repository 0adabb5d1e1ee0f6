// cel-js has no message construction (`Object.spec{field: value}`, `JSONPatch{op: ...}`), which
// Kubernetes mutations are written in. Rather than fork the parser, the expression is rewritten
// into a call cel-js understands, `__msg("Object.spec", {"field": value})`, keeping a map from
// every rewritten offset back to the source so errors and AST ranges still point at the author's
// text.

/** The function the rewrite calls; AST walkers recognise message construction by it. */
export const MESSAGE_FN = '__msg';

export interface Rewritten {
  text: string;
  /** Offset in `text` -> offset in the original expression (also defined at text.length). */
  toOriginal(offset: number): number;
  /** True when anything was rewritten (otherwise text === original). */
  changed: boolean;
}

interface Token { kind: 'ident' | 'punct' | 'other'; start: number; end: number; text: string }

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

/** Rewrites message construction; leaves every other character where it was. */
export function rewriteMessages(src: string): Rewritten {
  if (!src.includes('{')) return identity(src);
  const tokens = tokenize(src);
  let out = '';
  const map: number[] = [];
  let copiedTo = 0;
  const emit = (text: string, origin: number): void => { out += text; for (let k = 0; k < text.length; k++) map.push(origin); };
  const copyUntil = (end: number): void => {
    for (let k = copiedTo; k < end; k++) { out += src[k]; map.push(k); }
    copiedTo = Math.max(copiedTo, end);
  };
  const stack: ('msg' | 'other')[] = [];
  let expectField = false;
  let changed = false;

  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const prev = tokens[t - 1];
    if (expectField && stack.at(-1) === 'msg') {
      // `field:` or `?field:` right after `{` or `,` inside a message.
      const opt = tok.text === '?' ? 1 : 0;
      const name = tokens[t + opt];
      const colon = tokens[t + opt + 1];
      if (name?.kind === 'ident' && colon?.text === ':') {
        copyUntil(name.start);
        emit('"', name.start);
        copyUntil(name.end);
        emit('"', name.end);
        changed = true;
        t += opt;
        expectField = false;
        continue;
      }
    }
    expectField = false;
    if (tok.kind === 'ident' && !(prev?.text === '.' && prev.kind === 'punct')) {
      let k = t;
      const parts = [tok.text];
      while (tokens[k + 1]?.text === '.' && tokens[k + 2]?.kind === 'ident') { parts.push(tokens[k + 2]!.text); k += 2; }
      const brace = tokens[k + 1];
      if (brace?.text === '{' && brace.kind === 'punct') {
        copyUntil(tok.start);
        emit(`${MESSAGE_FN}(${JSON.stringify(parts.join('.'))}, `, tok.start);
        copiedTo = brace.start;
        copyUntil(brace.end);
        stack.push('msg');
        expectField = true;
        changed = true;
        t = k + 1;
        continue;
      }
    }
    if (tok.kind !== 'punct') continue;
    if (tok.text === '{' || tok.text === '(' || tok.text === '[') stack.push('other');
    else if (tok.text === '}' || tok.text === ')' || tok.text === ']') {
      const top = stack.pop();
      if (top === 'msg' && tok.text === '}') {
        copyUntil(tok.end);
        emit(')', tok.end);
      }
    } else if (tok.text === ',' && stack.at(-1) === 'msg') expectField = true;
  }
  if (!changed) return identity(src);
  copyUntil(src.length);
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
