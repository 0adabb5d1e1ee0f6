// Text edits that keep a YAML document valid and in its own indentation style: insert fields into
// a block mapping (creating the missing parents), replace a scalar, append a document to a file.
// Shared by the CronJob, advice and hygiene checks; pure functions over the parsed tree and text.
import { isMap, isScalar, stringify, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { Span, TextEdit } from '../../findings.ts';
import { nodeAt, type Path } from '../../yaml/paths.ts';

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Column of the first key of a block mapping (what new keys must be indented to). */
function mapIndent(text: string, map: YAMLMap): number | undefined {
  const first = map.items[0] as Pair<YamlNode, YamlNode> | undefined;
  const start = first?.key?.range?.[0];
  return start === undefined ? undefined : start - lineStart(text, start);
}

/** How a document writes YAML: its indentation step and whether it quotes strings with `'`. */
export interface YamlStyle {
  step: number;
  singleQuote: boolean;
}

/**
 * The document's own style, so an edit reads as if its author wrote it: the indentation step is the
 * most common increase from a key line to the key line under it (2 when there is none), the quote
 * is the one its quoted values use more often.
 */
export function styleOf(text: string): YamlStyle {
  const steps = new Map<number, number>();
  let previous: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^( *)[A-Za-z0-9_"'-]/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const indent = m[1].length;
    if (previous !== undefined && indent > previous && indent - previous <= 8 && !line.trimStart().startsWith('- ')) steps.set(indent - previous, (steps.get(indent - previous) ?? 0) + 1);
    previous = indent;
  }
  const step = [...steps].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 2;
  const single = (text.match(/:\s+'/g) ?? []).length;
  const double = (text.match(/:\s+"/g) ?? []).length;
  return { step, singleQuote: single > double };
}

/** Block YAML for a value, every line indented by `indent` spaces (no trailing newline). */
export function blockYaml(value: unknown, indent: number, style: YamlStyle = { step: 2, singleQuote: false }): string {
  const pad = ' '.repeat(indent);
  return stringify(value, { lineWidth: 0, indent: style.step, singleQuote: style.singleQuote })
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

function nest(path: Path, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Where the last entry of a block mapping ends (before its line break and trailing comment). */
function endOfLastEntry(text: string, map: YAMLMap): number {
  const last = map.items[map.items.length - 1] as Pair<YamlNode, YamlNode | null>;
  let end = last.value?.range?.[1] ?? last.key?.range?.[1] ?? map.range![1];
  // Block scalars end after their final line break: stay on their last line.
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline;
  return text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
}

/**
 * An edit that sets `fields` (key -> value) inside the mapping at `path`, creating the missing
 * parent mappings. Only adds: keys that already exist are left alone. Undefined when the deepest
 * existing ancestor is not a block mapping the edit can safely extend (flow style, a scalar).
 */
export function insertFields(file: string, doc: Document.Parsed, text: string, path: Path, fields: Record<string, unknown>): TextEdit | undefined {
  let depth = path.length;
  let node: unknown = nodeAt(doc, path);
  while (depth > 0 && node === undefined) {
    depth--;
    node = nodeAt(doc, path.slice(0, depth));
  }
  if (!isMap(node) || !node.range) return undefined;
  const rest = path.slice(depth);
  const existing = rest.length === 0 ? Object.keys(fields).filter((k) => node.has(k)) : [];
  const missing = Object.fromEntries(Object.entries(fields).filter(([k]) => !existing.includes(k)));
  if (Object.keys(missing).length === 0) return undefined;
  const value = rest.length ? nest(rest, missing) : missing;
  if (node.flow || node.items.length === 0) {
    if (node.items.length > 0) return undefined;
    // `{}`: replace it by a flow mapping with the new content.
    return { file, span: { start: node.range[0], end: node.range[1] }, newText: JSON.stringify(value).replace(/"([A-Za-z_][\w.-]*)":/g, '$1: ') };
  }
  const indent = mapIndent(text, node);
  if (indent === undefined) return undefined;
  const at = endOfLastEntry(text, node);
  return { file, span: { start: at, end: at }, newText: '\n' + blockYaml(value, indent, styleOf(text)) };
}

/** A string as YAML in the quote style of the scalar it replaces (`'…'`, `"…"`, or plain when that reads the same). */
export function quotedLike(value: string, type: string | undefined): string {
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

/** Replaces a scalar value (keeps the key, the comment, the layout and the quote style). */
export function replaceScalar(file: string, doc: Document.Parsed, path: Path, value: string | number | boolean): TextEdit | undefined {
  const node = nodeAt(doc, path);
  if (!isScalar(node) || !node.range) return undefined;
  const newText = typeof value === 'string' ? quotedLike(value, node.type) : String(value);
  return { file, span: { start: node.range[0], end: node.range[1] }, newText };
}

/** Appends a whole document at the end of the file, after a `---` separator. */
export function appendDocument(file: string, text: string, value: unknown, comment?: string): TextEdit {
  const end = text.length;
  const separator = text.length === 0 || text.endsWith('\n') ? '' : '\n';
  const header = comment ? comment.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '';
  return { file, span: { start: end, end }, newText: `${separator}---\n${header}${stringify(value, { lineWidth: 0 })}` };
}

/**
 * Creating a file: the core cannot touch the file system, so a new file is an edit on a path that
 * does not exist yet, at span {0,0}, whose text is the whole file. The LSP layer turns an edit on a
 * file that does not exist into a CreateFile operation followed by this insert.
 */
export function createFile(path: string, value: unknown, comment?: string): TextEdit {
  const header = comment ? comment.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '';
  return { file: path, span: { start: 0, end: 0 } satisfies Span, newText: header + stringify(value, { lineWidth: 0 }) };
}
