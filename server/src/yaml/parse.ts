import { Composer, Lexer, Parser, YAMLParseError, isMap, isNode, isPair, isScalar, isSeq, type CST, type Document, type Node as YamlNode } from 'yaml';
import type { Span } from '../findings.ts';
import { valuesFromTokens } from './fastValues.ts';
import { valuesFromLines } from './lineValues.ts';
import { readAsKubernetes } from './kubernetesReading.ts';
import { spanFromLines } from './lineSpans.ts';
import { spanOf, type Path } from './paths.ts';

export interface ParseLimits {
  /** Alias nodes may expand to at most this many nodes each (the billion-laughs bound). */
  maxAliasCount: number;
  maxDocuments: number;
  /** Nesting deeper than this is refused: every later stage walks values recursively. */
  maxDepth?: number;
  /** Node tokens per file (scalars, aliases, collection starts, entry indicators); the parse stops past it. */
  maxNodes?: number;
  /** Entries of one collection (list items, map keys); the parse stops past it. */
  maxCollectionItems?: number;
  /** Milliseconds of tokenising per file; the parse stops past it (last resort: the other bounds are exact). */
  maxParseMs?: number;
}

export const defaultParseLimits: ParseLimits = { maxAliasCount: 100, maxDocuments: 5000, maxDepth: 128, maxNodes: 100_000, maxCollectionItems: 20_000, maxParseMs: 10_000 };

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
  /** The documents' trees are built when first asked for (values were read without them). */
  treesOnDemand?: boolean;
  /** The line reader vouched for the text: spans can be read from its lines (lineSpans.ts). */
  readByLines?: boolean;
}

/**
 * Decides, from the documents' plain values, whether their syntax trees are worth building now;
 * when not, each tree is built on first use (`YamlDocument.doc` is then a getter). `readByLines`:
 * the line reader vouched for the text, so most spans can be read without a tree (`spanInDocument`).
 */
export type WantsTrees = (values: readonly unknown[], readByLines: boolean) => boolean;

/**
 * Parsing never throws: every document comes back with its value or its errors. Without
 * `wantsTrees`, or when it says yes, this is `parseAllDocuments` of `yaml` and `toJS` of each
 * document; otherwise the values are read from the token stream when it can vouch for them
 * (fastValues.ts) and the trees wait until asked for.
 */
export function parseYaml(text: string, limits: ParseLimits = defaultParseLimits, wantsTrees?: WantsTrees): YamlFile {
  const maxDepth = limits.maxDepth ?? defaultParseLimits.maxDepth!;
  // The plainest files are read line by line, without tokens, when their trees are not wanted.
  const plain = wantsTrees && valuesFromLines(text, { maxDocuments: limits.maxDocuments, maxDepth, maxNodes: limits.maxNodes ?? defaultParseLimits.maxNodes!, maxCollectionItems: limits.maxCollectionItems ?? defaultParseLimits.maxCollectionItems! });
  const plainValues = plain ? plain.map((d) => d.value) : undefined;
  if (plain && !wantsTrees!(plainValues!, true)) {
    const file: YamlFile = { text, documents: plain.map((d, index) => ({ index, value: d.value, span: d.span, errors: [] }) as unknown as YamlDocument), errors: [], treesOnDemand: true, readByLines: true };
    releaseYamlTrees(file, limits);
    return file;
  }
  const { tokens, problem } = boundedTokens(text, limits);
  const streamErrors = problem ? [problem] : [];
  // Trees wanted for a file read line by line: its values stand in for `toJS` (they are equal).
  if (plainValues && !problem) return { ...composeTrees(text, tokens, limits, plainValues, streamErrors), readByLines: true };
  if (wantsTrees) {
    const fast = valuesFromTokens(tokens, limits.maxDocuments, maxDepth);
    const values = fast?.map((d) => d.value);
    if (fast && !wantsTrees(values!, false)) {
      const file: YamlFile = { text, documents: fast.map((d, index) => ({ index, value: d.value, span: d.span, errors: [] }) as unknown as YamlDocument), errors: streamErrors, treesOnDemand: true };
      releaseYamlTrees(file, limits);
      return file;
    }
    return composeTrees(text, tokens, limits, values, streamErrors);
  }
  return composeTrees(text, tokens, limits, undefined, streamErrors);
}

/**
 * The token stream of `yaml`'s own Lexer and Parser, driven here so that it can stop: after
 * `maxDocuments` documents, or when the file holds more nodes, one collection more entries, or
 * the tokenising takes longer than the limits allow. What comes back is the documents completed
 * before the stop (an unfinished one is dropped) and the bound that stopped it.
 */
function boundedTokens(text: string, limits: ParseLimits): { tokens: CST.Token[]; problem?: YamlProblem } {
  const maxNodes = limits.maxNodes ?? defaultParseLimits.maxNodes!;
  const maxItems = limits.maxCollectionItems ?? defaultParseLimits.maxCollectionItems!;
  const maxMs = limits.maxParseMs ?? defaultParseLimits.maxParseMs!;
  const started = performance.now();
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let documents = 0;
  let nodes = 0;
  let lexemes = 0;
  // Offset and token count at the end of the last complete document: a stop cuts there.
  let kept = 0;
  const stop = (code: string, message: string): { tokens: CST.Token[]; problem: YamlProblem } => {
    const at = Math.min(parser.offset, text.length);
    return { tokens: tokens.slice(0, kept), problem: { code, message, span: { start: at, end: at } } };
  };
  /** Keeps a token, or stops at the document one past maxDocuments (cut at its start). */
  const take = (token: CST.Token): { tokens: CST.Token[]; problem: YamlProblem } | undefined => {
    if (token.type === 'document' && ++documents > limits.maxDocuments) {
      const at = token.offset;
      return {
        tokens: tokens.slice(0, kept),
        problem: { code: 'limits/document-count', message: `This file has more than ${limits.maxDocuments} YAML documents; only the first ${limits.maxDocuments} are analysed (limit maxDocuments).`, span: { start: at, end: at } },
      };
    }
    tokens.push(token);
    if (token.type === 'document') kept = tokens.length;
    return undefined;
  };
  for (const lexeme of new Lexer().lex(text)) {
    if (countsAsNode(lexeme)) {
      if (++nodes > maxNodes) return stop('limits/yaml-nodes', `This file has more than ${maxNodes} YAML nodes (limit maxNodes); it is not analysed from here on.`);
    }
    if ((++lexemes & 255) === 0) {
      for (const open of parser.stack) {
        const items = (open as { items?: unknown[] }).items;
        if (items && items.length > maxItems) return stop('limits/collection-items', `A collection here has more than ${maxItems} entries (limit maxCollectionItems); the file is not analysed from here on.`);
      }
      if ((lexemes & 4095) === 0 && performance.now() - started > maxMs) return stop('limits/parse-time', `Parsing this file took longer than ${maxMs} ms (limit maxParseTime); it is not analysed from here on.`);
    }
    for (const token of parser.next(lexeme)) {
      const stopped = take(token);
      if (stopped) return stopped;
    }
  }
  for (const token of parser.end()) {
    const stopped = take(token);
    if (stopped) return stopped;
  }
  return { tokens };
}

/**
 * Lexemes that make a node or an entry of a collection: the `yaml` Lexer's own markers (a plain
 * scalar's `\u001f`, `-`, `?`, `:`, `,`, `{`, `[`) and what starts a quoted or block scalar or an
 * alias. Read by first character, since it runs on every lexeme of every file.
 */
function countsAsNode(lexeme: string): boolean {
  switch (lexeme.charCodeAt(0)) {
    case 0x1f: // scalar marker
    case 0x2d: // -
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x7b: // {
    case 0x5b: // [
      return lexeme.length === 1;
    case 0x22: // "
    case 0x27: // '
    case 0x2a: // *
    case 0x7c: // |
    case 0x3e: // >
      return true;
    default:
      return false;
  }
}

/** `values`, when the token walk read them, stand in for `toJS` (they are equal). */
function composeTrees(text: string, tokens: readonly CST.Token[], limits: ParseLimits, values?: readonly unknown[], streamErrors: YamlProblem[] = []): YamlFile {
  // What `parseAllDocuments` does, from tokens already at hand.
  // `uniqueKeys: true` compares each key with every earlier one (quadratic: a map of 100,000 keys
  // takes minutes); the same errors come from one pass with a set per map.
  const parsed = Array.from(new Composer({ prettyErrors: false, keepSourceTokens: false, uniqueKeys: false, logLevel: 'error' }).compose(tokens)) as Document.Parsed[];
  // Values read by lines or tokens come only from documents without a repeated key (both readers
  // give up on one), so the walk would find nothing there.
  if (!values) for (const doc of parsed) reportDuplicateKeys(doc);
  const fileErrors: YamlProblem[] = [...streamErrors];
  if (parsed.length > limits.maxDocuments) {
    fileErrors.push({
      code: 'limits/document-count',
      message: `This file has ${parsed.length} YAML documents; only the first ${limits.maxDocuments} are analysed (limit maxDocuments).`,
      span: { start: parsed[limits.maxDocuments].range[0], end: parsed[limits.maxDocuments].range[0] },
    });
  }
  const documents = parsed.slice(0, limits.maxDocuments).map((doc, index) => toYamlDocument(doc, index, limits, text.length, values?.[index], text));
  return { text, documents, errors: fileErrors };
}

/** What `uniqueKeys: true` reports (a scalar key equal to an earlier one of the same map), in linear time. */
function reportDuplicateKeys(doc: Document.Parsed): void {
  const found: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value) && key.range) found.push(key.range[0]);
          seen.add(key.value);
        }
        stack.push(key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
  // In document order, as the composer would have reported them.
  for (const at of found.sort((a, b) => a - b)) doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
}

function toYamlDocument(parsed: Document.Parsed, index: number, limits: ParseLimits, textLength: number, known: unknown, text = ''): YamlDocument {
  // What go-yaml (kubectl, Kyverno) reads despite a YAML error keeps its value; the error is reported.
  const { doc, problems, blocking } = readAsKubernetes(parsed, text);
  const span = { start: doc.range[0], end: doc.range[2] };
  // `yaml` places an error at the end of input one past the text; findings stay inside it.
  const clamp = (offset: number) => Math.min(Math.max(offset, 0), textLength);
  const errors: YamlProblem[] = blocking.map((e) => ({
    code: 'yaml/syntax',
    message: firstLine(e.message),
    span: { start: clamp(e.pos[0]), end: clamp(Math.max(e.pos[1], e.pos[0])) },
  }));
  let value: unknown;
  if (errors.length === 0 && known !== undefined) {
    value = known;
  } else if (errors.length === 0) {
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
  return { index, doc, value, span, errors: [...problems, ...errors] };
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
export function depthExceeds(value: unknown, maxDepth: number): boolean {
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

// Trees built on demand (files read without them, or whose trees were released), most recent
// last: a pass that reports several findings on one file, or a code action that edits it, builds
// them once.
const ON_DEMAND_LIMIT = 32;
const onDemand = new Map<YamlFile, YamlFile>();

function treesOf(file: YamlFile, limits: ParseLimits): YamlFile {
  let trees = onDemand.get(file);
  if (trees) onDemand.delete(file);
  else trees = treesFor(file, limits);
  onDemand.set(file, trees);
  if (onDemand.size > ON_DEMAND_LIMIT) onDemand.delete(onDemand.keys().next().value!);
  return trees;
}

/** The trees of a file whose values are known: read by a fast reader (no error), they stand in for `toJS`. */
function treesFor(file: YamlFile, limits: ParseLimits): YamlFile {
  const clean = file.errors.length === 0 && file.documents.every((d) => d.errors.length === 0 && d.value !== undefined);
  if (!clean) return parseYaml(file.text, limits);
  const { tokens, problem } = boundedTokens(file.text, limits);
  if (problem) return parseYaml(file.text, limits);
  return composeTrees(file.text, tokens, limits, file.documents.map((d) => d.value));
}

/**
 * Replaces each document's tree by a getter that parses the same text again when asked: the
 * ranges are the ones the dropped tree had. Values, spans and errors stay.
 */
export function releaseYamlTrees(file: YamlFile, limits: ParseLimits): void {
  for (const document of file.documents) {
    const index = document.index;
    Object.defineProperty(document, 'doc', { get: () => treesOf(file, limits).documents[index].doc, configurable: true, enumerable: true });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/**
 * The span `spanOf` gives for `path` in one of the file's documents: read from the lines when the
 * line reader vouched for the text and the locator is sure of it, from the tree otherwise (built
 * then if the file was read without one). `file`: the document's file, when known.
 */
export function spanInDocument(file: YamlFile | undefined, document: YamlDocument, path: Path, target: 'key' | 'value' = 'value'): Span {
  if (file?.readByLines) {
    const span = spanFromLines(file.text, document.span, path, target);
    if (span) return span;
  }
  return spanOf(document.doc, path, target);
}
