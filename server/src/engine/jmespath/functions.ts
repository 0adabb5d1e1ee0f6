// Kyverno's custom JMESPath functions, registered once on the shared @jmespath-community runtime.
import { createHash, randomInt } from 'node:crypto';
import { isRegistered, registerFunction, TYPE_ANY, type JSONValue } from '@jmespath-community/jmespath';
// Compiled once per pattern: a rule's patterns are evaluated on every witness of every simulation.
import { compileRe2 } from '../../cel/lib/regex.ts';
import { parse as parseYamlText } from 'yaml';
import { wildcardMatch } from '../match/wildcard.ts';
import { UnsupportedError } from './errors.ts';
import { arithmetic, roundValue, sumValues } from './arithmetic.ts';
import { formatDuration, parseDuration } from './quantity.ts';
import { formatRfc3339, parseGoTime } from './time.ts';
import { normalizeImage } from './image.ts';
import { semverSatisfies } from './semver.ts';
import { decodeX509 } from './x509.ts';
import { isObj } from '../../k8s/objects.ts';

type Fn = (args: unknown[]) => unknown;

const str = (v: unknown, fn: string): string => {
  if (typeof v !== 'string') throw new Error(`${fn}: expected a string, got ${typeof v}`);
  return v;
};
const strOrNum = (v: unknown, fn: string): string => {
  if (typeof v === 'number') return String(v);
  return str(v, fn);
};

function time(v: unknown, fn: string): number {
  const t = parseGoTime('', str(v, fn));
  if (t === undefined) throw new Error(`${fn}: '${String(v)}' is not an RFC 3339 time`);
  return t;
}

function goReplacement(replacement: string): string {
  // Go's Expand syntax ($1, ${1}, ${name}) is what RE2JS's Java-style replaceAll understands too.
  return replacement.replace(/\$\{(\w+)\}/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `\${${g}}`));
}

// A simulation substitutes the same rule on many witnesses, and `parse_yaml` of one ConfigMap's
// text was a third of all simulation time on the corpus: parsed once, handed out as a copy (the
// caller may patch the result into the object). Bounded; an invalid text is parsed again to throw.
const yamlParsed = new Map<string, unknown>();
const YAML_PARSED_LIMIT = 256;
const YAML_PARSED_MAX_TEXT = 64 * 1024;
function parsedYaml(text: string): unknown {
  if (text.length > YAML_PARSED_MAX_TEXT) return parseYamlText(text, { maxAliasCount: 100, logLevel: 'error' }) ?? null;
  let value = yamlParsed.get(text);
  if (value === undefined) {
    value = parseYamlText(text, { maxAliasCount: 100, logLevel: 'error' }) ?? null;
    if (yamlParsed.size >= YAML_PARSED_LIMIT) yamlParsed.clear();
    yamlParsed.set(text, value);
  }
  return value !== null && typeof value === 'object' ? structuredClone(value) : value;
}

const functions: Record<string, [Fn, number, boolean?]> = {
  compare: [([a, b]) => { const x = str(a, 'compare'); const y = str(b, 'compare'); return x < y ? -1 : x > y ? 1 : 0; }, 2],
  equal_fold: [([a, b]) => str(a, 'equal_fold').toLowerCase() === str(b, 'equal_fold').toLowerCase(), 2],
  replace: [([s, o, n, c]) => {
    const src = str(s, 'replace'); const old = str(o, 'replace'); const nw = str(n, 'replace');
    let count = typeof c === 'number' ? c : -1;
    if (count < 0) return src.split(old).join(nw);
    let out = ''; let rest = src;
    while (count-- > 0) { const i = rest.indexOf(old); if (i < 0) break; out += rest.slice(0, i) + nw; rest = rest.slice(i + old.length); if (old === '') { out += rest[0] ?? ''; rest = rest.slice(1); } }
    return out + rest;
  }, 4],
  replace_all: [([s, o, n]) => str(s, 'replace_all').split(str(o, 'replace_all')).join(str(n, 'replace_all')), 3],
  to_upper: [([s]) => str(s, 'to_upper').toUpperCase(), 1],
  to_lower: [([s]) => str(s, 'to_lower').toLowerCase(), 1],
  trim: [([s, c]) => { const cut = new Set(Array.from(str(c, 'trim'))); const a = Array.from(str(s, 'trim')); let i = 0; let j = a.length; while (i < j && cut.has(a[i]!)) i++; while (j > i && cut.has(a[j - 1]!)) j--; return a.slice(i, j).join(''); }, 2],
  trim_prefix: [([s, p]) => { const x = str(s, 'trim_prefix'); const y = str(p, 'trim_prefix'); return x.startsWith(y) ? x.slice(y.length) : x; }, 2],
  split: [([s, sep]) => { const x = str(s, 'split'); const y = str(sep, 'split'); return y === '' ? Array.from(x) : x.split(y); }, 2],
  regex_replace_all: [([r, s, n]) => compileRe2(str(r, 'regex_replace_all')).matcher(strOrNum(s, 'regex_replace_all')).replaceAll(goReplacement(strOrNum(n, 'regex_replace_all'))), 3],
  regex_replace_all_literal: [([r, s, n]) => compileRe2(str(r, 'regex_replace_all_literal')).matcher(strOrNum(s, 'regex_replace_all_literal')).replaceAll(strOrNum(n, 'regex_replace_all_literal'), true), 3],
  regex_match: [([r, s]) => compileRe2(str(r, 'regex_match')).matcher(strOrNum(s, 'regex_match')).find(), 2],
  pattern_match: [([p, s]) => wildcardMatch(str(p, 'pattern_match'), strOrNum(s, 'pattern_match')), 2],
  label_match: [([sel, labels]) => {
    if (!isObj(sel) || !isObj(labels)) throw new Error('label_match: expected two objects');
    return Object.entries(sel).every(([k, v]) => labels[k] === v);
  }, 2],
  add: [([a, b]) => arithmetic('add', a, b), 2],
  subtract: [([a, b]) => arithmetic('subtract', a, b), 2],
  multiply: [([a, b]) => arithmetic('multiply', a, b), 2],
  divide: [([a, b]) => arithmetic('divide', a, b), 2],
  modulo: [([a, b]) => arithmetic('modulo', a, b), 2],
  round: [([a, d]) => roundValue(a, d), 2],
  sum: [([list]) => sumValues(list), 1],
  base64_decode: [([s]) => {
    const text = str(s, 'base64_decode');
    // Go's StdEncoding rejects what Node would silently skip.
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('base64_decode: illegal base64 data');
    return Buffer.from(text, 'base64').toString('utf8');
  }, 1],
  base64_encode: [([s]) => Buffer.from(str(s, 'base64_encode'), 'utf8').toString('base64'), 1],
  sha256: [([s]) => createHash('sha256').update(str(s, 'sha256')).digest('hex'), 1],
  time_now: [() => formatRfc3339(Date.now()), 0],
  time_now_utc: [() => formatRfc3339(Date.now()), 0],
  time_utc: [([t]) => formatRfc3339(time(t, 'time_utc')), 1],
  time_since: [([layout, a, b]) => {
    const l = str(layout, 'time_since');
    const t1 = parseGoTime(l, str(a, 'time_since'));
    const t2 = b === '' || b === null || b === undefined ? Date.now() : parseGoTime(l, str(b, 'time_since'));
    if (t1 === undefined || t2 === undefined) throw new Error('time_since: cannot parse time');
    return formatDuration((t2 - t1) / 1000);
  }, 3],
  time_diff: [([a, b]) => formatDuration((time(b, 'time_diff') - time(a, 'time_diff')) / 1000), 2],
  time_add: [([t, d]) => {
    const secs = parseDuration(str(d, 'time_add'));
    if (secs === undefined) throw new Error('time_add: invalid duration');
    return formatRfc3339(time(t, 'time_add') + secs * 1000);
  }, 2],
  time_parse: [([layout, v]) => {
    const value = strOrNum(v, 'time_parse');
    const l = str(layout, 'time_parse');
    const t = /^\d+$/.test(l) && /^\d+$/.test(value) ? Number(value) * 1000 : parseGoTime(l, value);
    if (t === undefined) throw new Error(`time_parse: cannot parse '${value}' with layout '${l}'`);
    return formatRfc3339(t);
  }, 2],
  time_to_cron: [([t]) => { const d = new Date(time(t, 'time_to_cron')); return `${d.getUTCMinutes()} ${d.getUTCHours()} ${d.getUTCDate()} ${d.getUTCMonth() + 1} ${d.getUTCDay()}`; }, 1],
  time_truncate: [([t, d]) => {
    const secs = parseDuration(str(d, 'time_truncate'));
    if (secs === undefined || secs <= 0) return formatRfc3339(time(t, 'time_truncate'));
    const ms = time(t, 'time_truncate');
    return formatRfc3339(ms - (ms % (secs * 1000)));
  }, 2],
  time_after: [([a, b]) => time(a, 'time_after') > time(b, 'time_after'), 2],
  time_before: [([a, b]) => time(a, 'time_before') < time(b, 'time_before'), 2],
  time_between: [([t, s, e]) => { const x = time(t, 'time_between'); return x > time(s, 'time_between') && x < time(e, 'time_between'); }, 3],
  path_canonicalize: [([p]) => canonicalPath(str(p, 'path_canonicalize')), 1],
  truncate: [([s, n]) => { const x = str(s, 'truncate'); const len = Math.max(0, Math.trunc(Number(n))); return Array.from(x).slice(0, len).join(''); }, 2],
  semver_compare: [([v, r]) => semverSatisfies(str(v, 'semver_compare'), str(r, 'semver_compare')), 2],
  parse_json: [([s]) => JSON.parse(str(s, 'parse_json')), 1],
  parse_yaml: [([s]) => parsedYaml(str(s, 'parse_yaml')), 1],
  lookup: [([c, k]) => {
    if (isObj(c)) return c[str(k, 'lookup')] ?? null;
    if (Array.isArray(c)) { if (typeof k !== 'number' || !Number.isInteger(k)) throw new Error('lookup: index must be an integer'); return c[k] ?? null; }
    throw new Error('lookup: expected an object or an array');
  }, 2],
  items: [([c, kn, vn]) => {
    const keyName = str(kn, 'items'); const valName = str(vn, 'items');
    if (isObj(c)) return Object.keys(c).sort().map((k) => ({ [keyName]: k, [valName]: c[k] }));
    if (Array.isArray(c)) return c.map((v, i) => ({ [keyName]: i, [valName]: v }));
    throw new Error('items: expected an object or an array');
  }, 3],
  object_from_lists: [([ks, vs]) => {
    if (!Array.isArray(ks) || !Array.isArray(vs)) throw new Error('object_from_lists: expected two arrays');
    const out: Record<string, unknown> = {};
    ks.forEach((k, i) => { out[String(k)] = i < vs.length ? vs[i] : null; });
    return out;
  }, 2],
  random: [([p]) => randomFrom(str(p, 'random')), 1],
  x509_decode: [([s]) => {
    try {
      return decodeX509(str(s, 'x509_decode'));
    } catch (e) {
      throw new Error(`x509_decode: ${(e as Error).message}`);
    }
  }, 1],
  image_normalize: [([s]) => normalizeImage(str(s, 'image_normalize')), 1],
  is_external_url: [([s]) => isExternalUrl(str(s, 'is_external_url')), 1],
  to_boolean: [([s]) => { const x = str(s, 'to_boolean').toLowerCase(); if (x === 'true') return true; if (x === 'false') return false; throw new Error('to_boolean: not a boolean'); }, 1],
};

function canonicalPath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') { if (out.length && out[out.length - 1] !== '..') out.pop(); else if (!abs) out.push('..'); continue; }
    out.push(seg);
  }
  const joined = out.join('/');
  return abs ? `/${joined}` : joined || '.';
}

function isExternalUrl(s: string): boolean {
  let u: URL;
  try { u = new URL(s); } catch { return false; }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '') return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return !(a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0);
  }
  if (host.includes(':')) return !(host === '::1' || /^f[cd]/i.test(host) || /^fe80/i.test(host));
  return true;
}

/** A value matching a simple regex (classes, literals, {n}/+/* quantifiers); other shapes are unsupported. */
function randomFrom(pattern: string): string {
  let out = '';
  const re = /(\[[^\]]+\]|\\d|\\w|[^[\\{}+*?()|.])(\{(\d+)(?:,(\d+))?\}|\+|\*|\?)?/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  const body = pattern.replace(/^\^|\$$/g, '');
  while (pos < body.length && (re.lastIndex = pos, (m = re.exec(body)))) {
    pos = re.lastIndex;
    const atom = m[1]!;
    const min = m[3] ? Number(m[3]) : m[2] === '+' ? 1 : m[2] === '*' || m[2] === '?' ? 0 : 1;
    const max = m[4] ? Number(m[4]) : m[3] ? min : m[2] === '+' || m[2] === '*' ? min + 4 : 1;
    const n = min + (max > min ? randomInt(max - min + 1) : 0);
    const chars = atomChars(atom);
    for (let i = 0; i < n; i++) out += chars[randomInt(chars.length)]!;
  }
  if (pos < body.length) throw new UnsupportedError(`random: regex '${pattern}' is not modelled`);
  return out;
}

function atomChars(atom: string): string[] {
  if (atom === '\\d') return Array.from('0123456789');
  if (atom === '\\w') return Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_');
  if (!atom.startsWith('[')) return [atom];
  const body = atom.slice(1, -1);
  const out: string[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let c = body.charCodeAt(i); c <= body.charCodeAt(i + 2); c++) out.push(String.fromCharCode(c));
      i += 2;
    } else out.push(body[i]!);
  }
  return out.length ? out : ['x'];
}

let registered = false;

/** Registers Kyverno's functions on the shared runtime; safe to call many times. */
export function registerKyvernoFunctions(): void {
  if (registered) return;
  registered = true;
  for (const [name, [fn, arity]] of Object.entries(functions)) {
    const signature = Array.from({ length: arity }, () => ({ types: [TYPE_ANY] }));
    // Kyverno's versions replace same-named built-ins (items, sum, replace, split, trim) with its own signatures.
    registerFunction(name, ((args: unknown[]) => fn(args) as JSONValue) as never, signature, { override: isRegistered(name) });
  }
}
