// Suppression comments, applied once to a file's collected findings (document and cross-file alike),
// by the CLI and the language server:
//   # kyverno-analyzer-disable-next-line <check-id>[, <check-id>…] [-- reason]
//   # kyverno-analyzer-disable-file <check-id>[, <check-id>…] [-- reason]
// The next-line form silences findings that start on the next line holding something other than a
// comment (so several suppressions can be stacked); the file form silences the check in the whole
// file. A comment naming an id that is not a check, or one that silenced nothing, is itself a finding.
import { Lexer } from 'yaml';
import type { Finding, Fix, Severity, Span } from '../../findings.ts';
import { levelFor, type AnalyzerConfig } from '../../workspace/config.ts';
import { LineIndex } from '../../yaml/lineIndex.ts';
import type { Check } from '../types.ts';

export const SUPPRESSION_ID = 'hygiene/unused-suppression';
const MARKER = 'kyverno-analyzer-disable-';
const DIRECTIVE = /^#\s*kyverno-analyzer-disable-(next-line|file)(?=\s|$)/;
/** Codes that are not produced by a registered check but may still be silenced. */
const OTHER_FAMILIES = ['yaml', 'io', 'limits', 'config', 'internal'];

/** Registered so it has a level, a docs page and fixtures; it runs in `applySuppressions`, after every other check. */
export const unusedSuppressionCheck: Check = {
  id: SUPPRESSION_ID,
  title: 'A suppression comment names an unknown check or silences nothing',
  severity: 'warning',
};

export interface SuppressedId {
  id: string;
  span: Span;
}

export interface Suppression {
  scope: 'next-line' | 'file';
  /** The whole comment, from `#` to the end of its line (without the line break). */
  span: Span;
  ids: SuppressedId[];
  /** For `next-line`: the 0-based line whose findings it silences (undefined when nothing follows). */
  line?: number;
}

const seen = new WeakMap<{ text: string }, boolean>();

/** Whether a file's text holds a suppression comment at all (remembered per indexed file: the server asks on every publish). */
export function hasSuppressions(file: { text: string }): boolean {
  let has = seen.get(file);
  if (has === undefined) seen.set(file, (has = file.text.includes(MARKER)));
  return has;
}

/** The suppression comments of a file, read from YAML's own tokens (a `#` inside a block scalar is text, not a comment). */
export function parseSuppressions(text: string, lines: LineIndex = new LineIndex(text)): Suppression[] {
  if (!text.includes(MARKER)) return [];
  const found: Suppression[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer interleaves control tokens (document start, scalar, flow end) that are not source text.
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue;
    const start = offset;
    offset += token.length;
    if (token[0] !== '#') continue;
    const lineStart = lines.lineStart(lines.positionAt(start).line);
    if (text.slice(lineStart, start).trim() !== '') continue; // only comments on a line of their own
    const m = DIRECTIVE.exec(token);
    if (!m) continue;
    const body = token.slice(m[0].length);
    // The ids end at the reason (` -- …`) or at a further remark (` # …`).
    const reasonAt = body.search(/(^|\s)(--|#)(\s|$)/);
    const list = reasonAt < 0 ? body : body.slice(0, reasonAt);
    const ids: SuppressedId[] = [];
    for (const idMatch of list.matchAll(/[^\s,]+/g)) {
      const idStart = start + m[0].length + idMatch.index!;
      ids.push({ id: idMatch[0], span: { start: idStart, end: idStart + idMatch[0].length } });
    }
    const scope = m[1] as Suppression['scope'];
    found.push({ scope, span: { start, end: start + token.length }, ids, line: scope === 'next-line' ? nextContentLine(text, lines, start) : undefined });
  }
  return found;
}

function nextContentLine(text: string, lines: LineIndex, from: number): number | undefined {
  for (let line = lines.positionAt(from).line + 1; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const end = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length;
    const content = text.slice(start, end).trim();
    if (content !== '' && !content.startsWith('#')) return line;
  }
  return undefined;
}

/** Whether an id names something that reports: a check, a family of checks (`cronjob`), one of a check's codes (`cel/syntax`), or a file-level code (`yaml/…`). */
export function isKnownId(id: string, checkIds: readonly string[]): boolean {
  if (checkIds.some((c) => id === c || id.startsWith(c + '/') || c.startsWith(id + '/'))) return true;
  return OTHER_FAMILIES.some((family) => id.startsWith(family + '/'));
}

function silences(id: string, code: string): boolean {
  return code === id || code.startsWith(id + '/');
}

export interface CheckIds {
  /** Every registered check. */
  known: readonly string[];
  /** The checks that ran. */
  ran: readonly string[];
}

/**
 * One file's findings with its suppression comments applied: the silenced findings removed, and a
 * `hygiene/unused-suppression` finding for every id that is unknown or silenced nothing.
 */
export function applySuppressions(file: string, text: string, findings: Finding[], config: AnalyzerConfig, checks: CheckIds, lines?: LineIndex): Finding[] {
  if (!text.includes(MARKER)) return findings;
  lines ??= new LineIndex(text);
  const suppressions = parseSuppressions(text, lines);
  if (suppressions.length === 0) return findings;
  const used = new Set<SuppressedId>();
  const kept = findings.filter((finding) => {
    if (finding.file !== file || finding.code === SUPPRESSION_ID) return true;
    let line: number | undefined;
    let silenced = false;
    for (const s of suppressions) {
      if (s.scope === 'next-line' && s.line !== (line ??= lines.positionAt(finding.span.start).line)) continue;
      for (const entry of s.ids) {
        if (!silences(entry.id, finding.code)) continue;
        used.add(entry);
        silenced = true;
      }
    }
    return !silenced;
  });
  const level = levelFor(config, SUPPRESSION_ID, unusedSuppressionCheck.severity);
  if (level === 'off' || !checks.ran.includes(SUPPRESSION_ID)) return kept;
  const severity = level as Severity;
  for (const s of suppressions) {
    const directive = `kyverno-analyzer-disable-${s.scope}`;
    if (s.ids.length === 0) {
      kept.push(withLazyFixes({ code: SUPPRESSION_ID, severity, message: `\`${directive}\` names no check: write the check id after it (for example \`${directive} conflict/mutation-overwrite -- reason\`).`, file, span: s.span }, () => [removal(file, text, lines, s, undefined)]));
      continue;
    }
    for (const entry of s.ids) {
      if (used.has(entry)) continue;
      const known = isKnownId(entry.id, checks.known);
      // A check left out of this run (a subset was asked for) cannot have found anything to silence.
      if (known && !isKnownId(entry.id, checks.ran)) continue;
      const message = !known
        ? `\`${entry.id}\` is not a check of the Kyverno analyzer, so this suppression silences nothing.`
        : s.scope === 'file'
          ? `\`${directive} ${entry.id}\` silences nothing: the file has no ${entry.id} finding.`
          : s.line === undefined
            ? `\`${directive} ${entry.id}\` silences nothing: no line follows it.`
            : `\`${directive} ${entry.id}\` silences nothing: line ${s.line + 1} has no ${entry.id} finding.`;
      kept.push(withLazyFixes({ code: SUPPRESSION_ID, severity, message, file, span: entry.span }, () => [removal(file, text, lines, s, entry)]));
    }
  }
  return kept;
}

/** Fixes built only when an editor asks for them (as `reporter` does): the CLI never pays for them. */
function withLazyFixes(finding: Finding, build: () => Fix[]): Finding {
  let computed: Fix[] | undefined;
  Object.defineProperty(finding, 'fixes', { get: () => (computed ??= build()), enumerable: false, configurable: true });
  return finding;
}

/** Removes one id from the comment, or the whole comment line when it is the only one. */
function removal(file: string, text: string, lines: LineIndex, s: Suppression, entry: SuppressedId | undefined): Fix {
  if (entry && s.ids.length > 1) {
    const i = s.ids.indexOf(entry);
    // Take the separator that joins it to its neighbour: `a, b, c` without b is `a, c`.
    const span = i === s.ids.length - 1 ? { start: s.ids[i - 1]!.span.end, end: entry.span.end } : { start: entry.span.start, end: s.ids[i + 1]!.span.start };
    return { title: `Remove \`${entry.id}\` from the suppression`, edits: [{ file, span, newText: '' }] };
  }
  const line = lines.positionAt(s.span.start).line;
  const start = lines.lineStart(line);
  const end = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length;
  return { title: 'Remove the suppression comment', edits: [{ file, span: { start, end }, newText: '' }], isPreferred: true };
}

/** Every file's findings with its suppressions applied (the CLI: `texts` holds every analysed file, with or without findings). */
export function applySuppressionsToAll(findings: Finding[], texts: Iterable<{ path: string; text: string }>, config: AnalyzerConfig, checks: CheckIds): Finding[] {
  const byFile = new Map<string, string>();
  for (const t of texts) if (t.text.includes(MARKER)) byFile.set(t.path, t.text);
  if (byFile.size === 0) return findings;
  const perFile = new Map<string, Finding[]>([...byFile.keys()].map((f) => [f, []]));
  for (const f of findings) perFile.get(f.file)?.push(f);
  const dropped = new Set<Finding>();
  const added: Finding[] = [];
  for (const [file, own] of perFile) {
    const after = new Set(applySuppressions(file, byFile.get(file)!, own, config, checks));
    for (const f of own) if (!after.has(f)) dropped.add(f);
    for (const f of after) if (f.code === SUPPRESSION_ID && !own.includes(f)) added.push(f);
  }
  // The other findings keep their order (the cache and the formatters see what they saw before).
  return [...findings.filter((f) => !dropped.has(f)), ...added];
}

/**
 * The editor's "Disable <code> for this line / for this file" fixes for one finding: a comment line
 * above the finding's line at its indentation (or the id added to a suppression already there), or
 * a file-level comment at the top of the file (or the id added to it).
 */
export function suppressionFixes(file: string, text: string, finding: Finding, lines: LineIndex = new LineIndex(text)): Fix[] {
  if (finding.code === SUPPRESSION_ID || finding.file !== file) return [];
  const existing = parseSuppressions(text, lines);
  const line = lines.positionAt(finding.span.start).line;
  const appendTo = (s: Suppression): Fix['edits'] => {
    const last = s.ids[s.ids.length - 1];
    return last ? [{ file, span: { start: last.span.end, end: last.span.end }, newText: `, ${finding.code}` }] : [{ file, span: { start: s.span.end, end: s.span.end }, newText: ` ${finding.code}` }];
  };
  const lineStart = lines.lineStart(line);
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const onLine = existing.find((s) => s.scope === 'next-line' && s.line === line);
  const forFile = existing.find((s) => s.scope === 'file');
  const top = text.startsWith('\ufeff') ? 1 : 0;
  return [
    {
      title: `Disable ${finding.code} for this line`,
      edits: onLine ? appendTo(onLine) : [{ file, span: { start: lineStart, end: lineStart }, newText: `${indent}# kyverno-analyzer-disable-next-line ${finding.code}${eol}` }],
    },
    {
      title: `Disable ${finding.code} for this file`,
      edits: forFile ? appendTo(forFile) : [{ file, span: { start: top, end: top }, newText: `# kyverno-analyzer-disable-file ${finding.code}${eol}` }],
    },
  ];
}
