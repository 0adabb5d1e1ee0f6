// YAML as Kubernetes reads it. kubectl and Kyverno read manifests with go-yaml (through
// sigs.k8s.io/yaml), which accepts two things the YAML 1.2 spec (and so `yaml`) does not: a key
// repeated in one map (the last value wins) and a quoted scalar whose continuation lines are
// indented less than the spec requires (folded like any other quoted line break). A document with
// only these problems keeps the value go-yaml would read, and each problem is reported at its
// exact range (docs/checks/yaml/duplicate-key.md, docs/checks/yaml/under-indented.md).
import { parseDocument, visit, YAMLError, type Document } from 'yaml';
import type { YamlProblem } from './parse.ts';

type ParsedDoc = Document.Parsed;

/** A quoted scalar longer than this is not repaired (the scan below is linear, but bounded anyway). */
const MAX_SCALAR = 64 * 1024;
const MAX_REPAIRS = 50;

/**
 * Splits `yaml`'s errors of one document into the problems Kubernetes' reader shrugs off (reported,
 * the value kept) and the rest (the document has no value). `doc` may be replaced by one read from
 * a repaired text, with every range mapped back to the original text.
 */
export function readAsKubernetes(doc: ParsedDoc, text: string): { doc: ParsedDoc; problems: YamlProblem[]; blocking: YAMLError[] } {
  let current = doc;
  const problems: YamlProblem[] = [];
  if (doc.errors.some((e) => e.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(e.message))) {
    const repaired = foldUnderIndented(doc, text);
    if (repaired) {
      current = repaired.doc;
      problems.push(...repaired.problems);
    }
  }
  const blocking: YAMLError[] = [];
  const duplicates: number[] = [];
  for (const e of current.errors) {
    if (e.code === 'DUPLICATE_KEY') duplicates.push(e.pos[0]);
    else blocking.push(e);
  }
  if (duplicates.length) problems.push(...duplicateKeyProblems(current, text, new Set(duplicates)));
  return { doc: current, problems, blocking };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The whole key of each repeated scalar key `yaml` reported (by its first character), with its first occurrence. */
function duplicateKeyProblems(doc: ParsedDoc, text: string, reported: Set<number>): YamlProblem[] {
  const problems: YamlProblem[] = [];
  visit(doc, {
    Map(_, map) {
      const first = new Map<unknown, number>();
      for (const pair of map.items) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
        if (!key?.range || !('value' in key)) continue;
        const earlier = first.get(key.value);
        if (earlier === undefined) first.set(key.value, key.range[0]);
        else if (reported.has(key.range[0])) {
          problems.push({
            code: 'yaml/duplicate-key',
            message: `\`${String(key.value)}\` is already a key of this map (line ${lineOf(text, earlier)}). kubectl and Kyverno keep the last value, which is what is analysed; kustomize, Flux and strict readers reject the document.`,
            span: { start: key.range[0], end: key.range[1] },
          });
        }
      }
    },
  });
  return problems;
}

interface Insertion {
  /** Offset in the original text where spaces are inserted. */
  at: number;
  count: number;
}

/**
 * Re-indents the continuation lines of quoted scalars that go-yaml accepts under-indented, reads
 * the document again, and maps its ranges back. Undefined when that does not give a clean document.
 */
function foldUnderIndented(doc: ParsedDoc, text: string): { doc: ParsedDoc; problems: YamlProblem[] } | undefined {
  const [start, end] = [doc.range[0], doc.range[2]];
  const source = text.slice(start, end);
  const insertions: Insertion[] = [];
  const problems: YamlProblem[] = [];
  let repaired = source;
  for (let round = 0; round < MAX_REPAIRS; round++) {
    const attempt = parseDocument(repaired, { uniqueKeys: true, prettyErrors: false });
    const missing = attempt.errors.find((e) => e.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(e.message));
    if (!missing) {
      if (insertions.length === 0 || attempt.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return undefined;
      remapRanges(attempt, (offset) => start + originalOffset(offset, insertions));
      return { doc: attempt as ParsedDoc, problems };
    }
    const fix = reindent(repaired, missing.pos[0]);
    if (!fix) return undefined;
    // Recorded in original coordinates: positions in `repaired` less what earlier rounds inserted.
    const placed = fix.lines.map((line) => ({ ...line, originalAt: originalOffset(line.at, insertions) }));
    for (const line of placed) insertions.push({ at: line.originalAt, count: line.count });
    insertions.sort((a, b) => a.at - b.at);
    for (const line of placed) {
      const originalAt = line.originalAt;
      const lineEnd = source.indexOf('\n', originalAt);
      problems.push({
        code: 'yaml/under-indented',
        message: `This continuation line of a quoted scalar is indented less than YAML requires (column ${line.indent + 1}, the key is at column ${fix.keyColumn + 1}). kubectl and Kyverno (go-yaml) fold it into the value, which is what is analysed; other YAML tools reject the document. Indent it past the key.`,
        span: { start: start + originalAt, end: start + (lineEnd < 0 ? source.length : lineEnd) },
      });
    }
    repaired = fix.text;
  }
  return undefined;
}

/** Offset in the original text of an offset in the repaired one. */
function originalOffset(offset: number, insertions: readonly Insertion[]): number {
  let shift = 0;
  for (const ins of insertions) {
    if (ins.at + shift >= offset) break;
    shift += ins.count;
    if (ins.at + shift > offset) return ins.at; // inside inserted spaces
  }
  return offset - shift;
}

/**
 * For the quoted scalar left open on the line holding `at`: the text with its under-indented
 * continuation lines indented one column past the key, and where spaces went.
 */
function reindent(text: string, at: number): { text: string; keyColumn: number; lines: { at: number; count: number; indent: number }[] } | undefined {
  const lineStart = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) return undefined;
  const line = text.slice(lineStart, lineEnd);
  const key = /^(\s*(?:-\s+)*)/.exec(line)![1].length;
  const open = openQuote(line);
  if (open === undefined) return undefined;
  const quote = line[open];
  // Find the closing quote after the opening line, honouring escapes.
  let i = lineEnd;
  const limit = Math.min(text.length, lineStart + MAX_SCALAR);
  for (; i < limit; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else break;
    }
  }
  if (i >= limit) return undefined;
  const lines: { at: number; count: number; indent: number }[] = [];
  let out = '';
  let last = 0;
  for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < i; nl = text.indexOf('\n', nl + 1)) {
    const from = nl + 1;
    let indent = 0;
    while (text[from + indent] === ' ') indent++;
    // Empty lines are line breaks of the value whatever their indentation.
    if (text[from + indent] === '\n' || text[from + indent] === '\r' || indent > key) continue;
    const count = key + 1 - indent;
    out += text.slice(last, from) + ' '.repeat(count);
    last = from;
    lines.push({ at: from, count, indent });
  }
  if (lines.length === 0) return undefined;
  return { text: out + text.slice(last), keyColumn: key, lines };
}

/** The column of a quote that opens a scalar on this line and does not close on it. */
function openQuote(line: string): number | undefined {
  const m = /^(\s*(?:-\s+)*(?:[^\s#'"][^#]*?:\s+|-\s+)?)(["'])/.exec(line);
  if (!m) return undefined;
  const open = m[1].length;
  const quote = m[2];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return undefined;
    }
  }
  return open;
}

/** Every node's range and the document's, through `map`. */
function remapRanges(doc: Document, map: (offset: number) => number): void {
  const fix = (range: number[] | null | undefined) => {
    if (range) for (let i = 0; i < range.length; i++) range[i] = map(range[i]);
  };
  fix((doc as { range?: number[] }).range);
  visit(doc, (_, node) => {
    fix((node as { range?: number[] | null }).range);
  });
  for (const e of [...doc.errors, ...doc.warnings]) fix(e.pos as unknown as number[]);
}
