// include/exclude globs come from the repository's own configuration, so they are compiled to RE2
// (re2js): matching is linear in the path, whatever the pattern. picomatch's JavaScript regular
// expressions backtrack exponentially on a pattern such as `*a*a*a*a*a*a*a*a*a*a*a*b`.
//
// The syntax is the one picomatch gave these settings (with `dot: true`): `*` and `?` within a
// path segment, `**` as a whole segment for any number of segments (`/` inside braces allowed), `[…]` / `[!…]` classes,
// `{a,b}` alternatives (nested), the extglobs `@(a|b)`, `?(…)`, `*(…)`, `+(…)`, `\` escapes, a
// leading `!` to negate and a leading `./` ignored. Not supported: `!(…)` (it needs a look-ahead
// RE2 does not have; it is read literally) and numeric ranges `{1..3}`.
import { RE2JS } from 're2js';

export type GlobMatcher = (path: string) => boolean;

/** A matcher true for a path that any pattern matches (a `!pattern` matches what it does not). */
export function compileGlobs(patterns: readonly string[]): GlobMatcher {
  const positive: string[] = [];
  const negated: RE2JS[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!') && !pattern.startsWith('!(')) negated.push(RE2JS.compile(`^(?:${globToRegex(pattern.slice(1))})/?$`));
    else positive.push(globToRegex(pattern));
  }
  // An optional trailing `/`, as picomatch allows (folders are matched as `dir/`).
  const any = positive.length ? RE2JS.compile(`^(?:${positive.map((p) => `(?:${p})`).join('|')})/?$`) : undefined;
  return (path) => (any ? any.matches(path) : false) || negated.some((re) => !re.matches(path));
}

const META = /[\\^$.|?*+()[\]{}]/g;
const escape = (s: string) => s.replace(META, '\\$&');

/** The regular expression (RE2 syntax, unanchored) for one glob. */
export function globToRegex(glob: string): string {
  let source = glob;
  while (source.startsWith('./')) source = source.slice(2);
  if (source === '**') return '.*';
  let out = '';
  // Each open group remembers what closes it: a brace group ')' or an extglob's ')', ')?', ')*', ')+'.
  const groups: { brace: boolean; close: string }[] = [];
  const balanced = bracketsBalanced(source);
  const segmentStart = (i: number) => i === 0 || source[i - 1] === '/';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '*' && next === '*' && segmentStart(i) && source[i + 2] === '/') {
      // `**/`: any number of whole segments, including none (`**/x` matches `x`).
      out += '(?:[^/]*/)*';
      i += 2;
    } else if (c === '/' && source.slice(i + 1) === '**') {
      // A trailing `/**`: the folder itself or anything below it.
      out += '(?:/.*)?';
      break;
    } else if (c === '\\' && i + 1 < source.length) {
      out += escape(source[++i]);
    } else if ((c === '@' || c === '?' || c === '*' || c === '+') && next === '(' && balanced.has(i + 1)) {
      groups.push({ brace: false, close: c === '@' ? ')' : `)${c}` });
      out += '(?:';
      i++;
    } else if (c === '*') {
      while (source[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(source, i);
      if (end < 0) out += '\\[';
      else {
        out += classToRegex(source.slice(i + 1, end));
        i = end;
      }
    } else if (c === '{' && balanced.has(i)) {
      groups.push({ brace: true, close: ')' });
      out += '(?:';
    } else if (c === ',' && groups.length && groups[groups.length - 1].brace) {
      out += '|';
    } else if (c === '|' && groups.length && !groups[groups.length - 1].brace) {
      out += '|';
    } else if ((c === '}' && groups.length && groups[groups.length - 1].brace) || (c === ')' && groups.length && !groups[groups.length - 1].brace)) {
      out += groups.pop()!.close;
    } else {
      out += escape(c);
    }
  }
  return out;
}

/** Offsets of the `{` and `(` that have a matching close in the segment (others are literal). */
function bracketsBalanced(segment: string): Set<number> {
  const open: { at: number; c: string }[] = [];
  const balanced = new Set<number>();
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\') i++;
    else if (c === '{' || c === '(') open.push({ at: i, c });
    else if ((c === '}' || c === ')') && open.length && open[open.length - 1].c === (c === '}' ? '{' : '(')) balanced.add(open.pop()!.at);
  }
  return balanced;
}

function classEnd(segment: string, start: number): number {
  let i = start + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  if (segment[i] === ']') i++;
  for (; i < segment.length; i++) {
    if (segment[i] === '\\') i++;
    else if (segment[i] === ']') return i;
  }
  return -1;
}

function classToRegex(body: string): string {
  let negate = false;
  let inner = body;
  if (inner.startsWith('!') || inner.startsWith('^')) {
    negate = true;
    inner = inner.slice(1);
  }
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && i + 1 < inner.length) {
      const escaped = inner[++i];
      out += /\w/.test(escaped) ? escaped : '\\' + escaped;
    }
    else if (c === '-' && i > 0 && i < inner.length - 1) out += '-';
    else out += /[\\\]\[^-]/.test(c) ? '\\' + c : c;
  }
  // A class never matches the separator, as in a shell.
  return negate ? `[^/${out}]` : `(?:[${out}])`;
}
