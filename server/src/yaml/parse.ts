import { parseAllDocuments, isNode, type Document, type Node as YamlNode } from 'yaml';
import type { Span } from '../findings.ts';

export interface ParseLimits {
  /** Alias nodes may expand to at most this many nodes each (the billion-laughs bound). */
  maxAliasCount: number;
  maxDocuments: number;
  /** Nesting deeper than this is refused: every later stage walks values recursively. */
  maxDepth?: number;
}

export const defaultParseLimits: ParseLimits = { maxAliasCount: 100, maxDocuments: 5000, maxDepth: 128 };

export interface YamlProblem {
  code: string;
  message: string;
  span: Span;
}

/** One document of a multi-document stream: its syntax tree, its plain value, and its problems. */
export interface YamlDocument {
  index: number;
  doc: Document.Parsed;
  /** The plain JavaScript value, or undefined when the document could not be converted. */
  value: unknown;
  span: Span;
  errors: YamlProblem[];
}

export interface YamlFile {
  text: string;
  documents: YamlDocument[];
  /** Problems of the stream as a whole (limits hit). */
  errors: YamlProblem[];
}

/** Parsing never throws: every document comes back with its value or its errors. */
export function parseYaml(text: string, limits: ParseLimits = defaultParseLimits): YamlFile {
  const stream = parseAllDocuments(text, { prettyErrors: false, keepSourceTokens: false, uniqueKeys: true, logLevel: 'error' });
  const parsed = Array.isArray(stream) ? stream : [];
  const fileErrors: YamlProblem[] = [];
  if (parsed.length > limits.maxDocuments) {
    fileErrors.push({
      code: 'limits/document-count',
      message: `This file has ${parsed.length} YAML documents; only the first ${limits.maxDocuments} are analysed (limit maxDocuments).`,
      span: { start: parsed[limits.maxDocuments].range[0], end: parsed[limits.maxDocuments].range[0] },
    });
  }
  const documents = parsed.slice(0, limits.maxDocuments).map((doc, index) => toYamlDocument(doc, index, limits, text.length));
  return { text, documents, errors: fileErrors };
}

function toYamlDocument(doc: Document.Parsed, index: number, limits: ParseLimits, textLength: number): YamlDocument {
  const span = { start: doc.range[0], end: doc.range[2] };
  // `yaml` places an error at the end of input one past the text; findings stay inside it.
  const clamp = (offset: number) => Math.min(Math.max(offset, 0), textLength);
  const errors: YamlProblem[] = doc.errors.map((e) => ({
    code: 'yaml/syntax',
    message: firstLine(e.message),
    span: { start: clamp(e.pos[0]), end: clamp(Math.max(e.pos[1], e.pos[0])) },
  }));
  let value: unknown;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      errors.push(aliasProblem(doc, error));
    }
    const maxDepth = limits.maxDepth ?? defaultParseLimits.maxDepth!;
    if (value !== undefined && depthExceeds(value, maxDepth)) {
      value = undefined;
      errors.push({ code: 'limits/nesting-depth', message: `The document nests deeper than ${maxDepth} levels; it is skipped.`, span: { start: span.start, end: span.start } });
    }
  }
  return { index, doc, value, span, errors };
}

function aliasProblem(doc: Document.Parsed, error: unknown): YamlProblem {
  const message = error instanceof Error ? error.message : String(error);
  const bomb = /alias|resource exhaustion/i.test(message);
  const at = findFirstAlias(doc.contents) ?? { start: doc.range[0], end: doc.range[0] };
  return {
    code: bomb ? 'limits/yaml-aliases' : 'yaml/syntax',
    message: bomb ? `YAML aliases expand beyond the limit (${message}); the document is skipped.` : firstLine(message),
    span: at,
  };
}

/** Iterative, so that the check itself cannot overflow the stack it protects. */
function depthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

function findFirstAlias(node: unknown): Span | undefined {
  let found: Span | undefined;
  const visit = (n: unknown): void => {
    if (found || !n || typeof n !== 'object') return;
    const candidate = n as { type?: string; range?: [number, number, number]; items?: unknown[]; key?: unknown; value?: unknown };
    if (isNode(n) && (n as YamlNode & { source?: string }).constructor.name === 'Alias' && candidate.range) {
      found = { start: candidate.range[0], end: candidate.range[1] };
      return;
    }
    if (Array.isArray(candidate.items)) candidate.items.forEach(visit);
    if ('key' in candidate) visit(candidate.key);
    if ('value' in candidate) visit(candidate.value);
  };
  visit(node);
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
