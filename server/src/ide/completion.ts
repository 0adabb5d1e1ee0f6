// Completion of keys and enum values from the schemas. The line being typed is usually not valid
// YAML yet, so the parent is found by indentation on the lines above and the tree is read from the
// text with the partial token blanked out.
import { parseAllDocuments, isMap, isScalar, type Document } from 'yaml';
import type { Span } from '../findings.ts';
import { classify } from '../model/classify.ts';
import { nodeAt, pathAt, type Path } from '../yaml/paths.ts';
import { completionsAt, describeAt, valueCompletionsAt, type FieldDescription } from '../schema/describe.ts';

export interface CompletionAnswer {
  /** The partial text the chosen item replaces. */
  span: Span;
  items: CompletionChoice[];
}

export interface CompletionChoice {
  label: string;
  kind: 'key' | 'value';
  insertText: string;
  detail?: string;
  documentation?: string;
  /** Sort required keys first. */
  required?: boolean;
  /** A key whose values are known: once it is inserted, the editor should offer them at once. */
  suggestValues?: boolean;
}

const KEY_LINE = /^(\s*)((?:-\s+)*)([A-Za-z0-9_.\-/]*)$/;
const VALUE_LINE = /^(\s*)((?:-\s+)*)([^\s#:'"][^#:]*?):\s+(["']?)([^"'#]*)$/;

export function completeAt(text: string, offset: number): CompletionAnswer | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, offset);

  const value = VALUE_LINE.exec(before);
  if (value) {
    const keyColumn = value[1].length + value[2].length;
    const partialStart = offset - value[5].length;
    const blanked = text.slice(0, lineStart + before.length - value[4].length - value[5].length) + text.slice(lineEnd);
    const located = locate(blanked, lineStart + keyColumn);
    if (!located) return undefined;
    const hit = pathAt(located.doc, lineStart + keyColumn);
    if (!hit?.onKey) return undefined;
    const values = valueCompletionsAt(located.group, located.kind, located.version, hit.path);
    const fallback = defaultOf(describeAt(located.group, located.kind, located.version, hit.path), values);
    // The value that applies when the key is left out comes first (`Fail` before `Ignore`).
    const ordered = fallback === undefined ? values : [...values.filter((v) => v === fallback), ...values.filter((v) => v !== fallback)];
    return {
      span: { start: partialStart, end: offset },
      items: ordered.map((v): CompletionChoice => ({ label: String(v), kind: 'value', insertText: String(v), ...(v === fallback ? { detail: 'default' } : {}) })),
    };
  }

  const key = KEY_LINE.exec(before);
  if (!key) return undefined;
  const [, indent, dashes, partial] = key;
  const keyColumn = indent.length + dashes.length;
  const partialStart = offset - partial.length;
  // Blank the partial key (and whatever follows on the line) so the document parses.
  const blanked = text.slice(0, lineStart + keyColumn) + text.slice(lineEnd);
  const located = locate(blanked, lineStart);
  if (!located) return undefined;
  const parent = parentPath(blanked, located.doc, lineStart, keyColumn, dashes.length > 0);
  if (!parent) return undefined;
  const existing = new Set<string>();
  const parentNode = nodeAt(located.doc, parent);
  if (isMap(parentNode)) for (const pair of parentNode.items) if (isScalar(pair.key)) existing.add(String(pair.key.value));

  const childIndent = ' '.repeat(keyColumn + 2);
  const items = completionsAt(located.group, located.kind, located.version, parent)
    .filter((c) => !existing.has(c.key))
    .map((c): CompletionChoice => {
      const type = c.type ?? '';
      const insertText = type.startsWith('list of object') ? `${c.key}:\n${childIndent}- ` : type === 'object' || type.startsWith('map') ? `${c.key}:\n${childIndent}` : `${c.key}: `;
      const choice: CompletionChoice = { label: c.key, kind: 'key', insertText, required: c.required };
      if (insertText.endsWith(': ') && valueCompletionsAt(located.group, located.kind, located.version, [...parent, c.key]).length > 0) choice.suggestValues = true;
      if (c.type) choice.detail = c.required ? `${c.type} (required)` : c.type;
      if (c.description) choice.documentation = c.description;
      return choice;
    });
  return { span: { start: partialStart, end: offset }, items };
}

/**
 * The value a field takes when it is left out: the schema's default, else the one its description
 * names ("Defaults to Fail."), else `Fail` for a failure policy (the admission webhook default).
 */
export function defaultOf(field: FieldDescription | undefined, values: unknown[]): unknown {
  if (field?.default !== undefined) return values.includes(field.default) ? field.default : undefined;
  const named = /\bDefaults? (?:to|is) ["'`]?([A-Za-z0-9_-]+)/.exec(field?.description ?? '')?.[1];
  const match = values.find((v) => String(v) === named);
  if (match !== undefined) return match;
  return values.includes('Fail') && values.includes('Ignore') ? 'Fail' : undefined;
}

/** The document holding an offset in the blanked text, with the schema coordinates of its kind. */
function locate(text: string, offset: number): { doc: Document.Parsed; group: string; kind: string; version: string } | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) return undefined;
  const doc = docs.find((d) => offset >= d.range[0] && offset <= d.range[2]) ?? docs.at(-1);
  if (!doc) return undefined;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  const cls = classify(value);
  return cls ? { doc, group: cls.group, kind: cls.kind, version: cls.version } : undefined;
}

/**
 * The path of the map a key typed at `keyColumn` belongs to: the nearest line above with a key at
 * the same column is a sibling, one with a key further left is the parent.
 */
function parentPath(text: string, doc: Document.Parsed, lineStart: number, keyColumn: number, newItem: boolean): Path | undefined {
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (/^---/.test(line)) break;
    const m = /^(\s*)((?:-\s+)*)(.*)$/.exec(line)!;
    if (m[3] === '' || m[3].startsWith('#')) continue;
    const column = m[1].length + m[2].length;
    if (column > keyColumn) continue;
    const hit = pathAt(doc, start + column);
    if (!hit?.onKey) return undefined;
    if (column === keyColumn && !(newItem && m[2].length === 0)) {
      // A sibling key; a new list item next to an item of the same list shares its schema.
      return hit.path.slice(0, -1);
    }
    return newItem ? [...hit.path, 0] : hit.path;
  }
  return newItem ? undefined : [];
}
