// Plain values straight from `yaml`'s concrete syntax tree, without composing a `Document`.
//
// Composing the node tree and converting it with `toJS` is about a third of what
// `parseAllDocuments` costs, and most files of a policy repository are plain Kubernetes resources
// whose tree nobody reads unless a finding lands on them. `yaml` has no cheaper public route from
// tokens to values, so this module walks the tokens itself, reusing the library wherever it can:
// `CST.resolveAsScalar` for every scalar's text (escapes, folding, block scalars) and the core
// schema's own tags for what a plain scalar means.
//
// It is deliberately partial. The composer reports many problems that the token stream does not
// show (duplicate keys, tabs as indentation, comments glued to a value, compact nested mappings…);
// rather than re-implement them, this walk accepts only the shapes it can vouch for and gives up
// (`undefined`) on anything else: anchors, aliases, tags, directives, explicit keys, non-empty flow
// collections, tabs in indentation, duplicate or multi-line keys, an error token. The caller then
// composes as usual, so a file is either read exactly as `yaml` reads it or not read here at all.
// Equality with `parseAllDocuments` + `toJS` (values and document ranges) is tested over the
// corpus and over generated documents.
import { CST, Document, isScalar, type ScalarTag } from 'yaml';
import type { Span } from '../findings.ts';

export interface FastDocument {
  value: unknown;
  /** The range `yaml` gives the document: its start to the end of its trailing comments and blank lines. */
  span: Span;
}

type Token = CST.Token;
type SourceToken = CST.SourceToken;

/** Thrown inside the walk when a shape is outside what it vouches for; never escapes this module. */
const GIVE_UP = Symbol('give up');

// The core schema as `yaml` composes with our parse options (YAML 1.2, no custom tags).
const reference = new Document();
const schemaOptions = reference.options;
const scalarTags = reference.schema.tags.filter((tag): tag is ScalarTag => !tag.collection && tag.test !== undefined);
const MAX_IMPLICIT_KEY_DISTANCE = 1024;

const giveUp = (): never => {
  throw GIVE_UP;
};

// Every non-string value of the core schema (null, booleans, numbers, .inf/.nan) starts with one
// of these; the tag tests are skipped for the plain strings that make up most of a manifest.
const MAY_RESOLVE_TO_NON_STRING = /^(?:$|[~nNtTfF0-9+.-])/;

export function plainScalarValue(source: string, atKey: boolean): unknown {
  if (!MAY_RESOLVE_TO_NON_STRING.test(source)) return source;
  for (const tag of scalarTags) {
    if ((tag.default === true || (atKey && tag.default === 'key')) && tag.test!.test(source)) {
      const resolved = tag.resolve(source, giveUp, schemaOptions);
      return isScalar(resolved) ? resolved.value : resolved;
    }
  }
  return source;
}

interface Scalar {
  value: unknown;
  end: number;
}

// Plain scalars that `yaml` rejects by their first character (`plainValue`).
const BAD_PLAIN_START = new Set(['\t', ',', '%', '|', '>', '@', '`']);

/**
 * The text of a one-line scalar as `resolveFlowScalar` of `yaml` reads it, without its general
 * machinery (line folding, escapes), which most scalars of a manifest do not use; undefined when
 * the scalar needs it.
 */
function oneLineText(token: CST.FlowScalar): string | undefined {
  const source = token.source;
  if (source.includes('\n')) return undefined;
  switch (token.type) {
    case 'scalar':
      return BAD_PLAIN_START.has(source[0]) ? undefined : source;
    case 'single-quoted-scalar':
      return source.length > 1 && source.endsWith("'") ? source.slice(1, -1).replaceAll("''", "'") : undefined;
    case 'double-quoted-scalar':
      return source.length > 1 && source.endsWith('"') && !source.includes('\\') ? source.slice(1, -1) : undefined;
    default:
      return undefined;
  }
}

function scalar(token: Token, atKey: boolean): Scalar {
  if (token.type !== 'block-scalar') {
    const flow = token as CST.FlowScalar;
    const text = oneLineText(flow);
    if (text !== undefined) {
      const end = endOffset(flow.end, flow.offset + flow.source.length, true);
      return { value: flow.type === 'scalar' ? plainScalarValue(text, atKey) : text, end };
    }
  }
  const resolved = CST.resolveAsScalar(token as CST.FlowScalar | CST.BlockScalar, true, giveUp);
  if (!resolved) giveUp();
  const value = token.type === 'scalar' ? plainScalarValue(resolved!.value, atKey) : resolved!.value;
  return { value, end: resolved!.range[2] };
}

/**
 * The properties before a node (indentation, comments, one indicator) as `resolveProps` of `yaml`
 * reads them, for the token kinds accepted here. Returns where they end and whether they hold the
 * indicator and a line break.
 */
function props(tokens: readonly SourceToken[], indicator: string, startOnNewline: boolean, offset: number): { found: SourceToken | undefined; hasNewline: boolean; hasComment: boolean; end: number } {
  let hasSpace = startOnNewline;
  let hasNewline = false;
  let hasComment = false;
  let found: SourceToken | undefined;
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        // Tabs are indentation errors in some positions and not in others; not worth telling apart.
        if (token.source.includes('\t')) giveUp();
        hasSpace = true;
        break;
      case 'newline':
        hasSpace = true;
        hasNewline = true;
        break;
      case 'comment':
        if (!hasSpace) giveUp();
        hasComment = true;
        break;
      default:
        if (token.type !== indicator || found) giveUp();
        found = token;
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  return { found, hasNewline, hasComment, end: last ? last.offset + last.source.length : offset };
}

/** Trailing tokens of a node or document: `resolveEnd` of `yaml` for the kinds accepted here. */
function endOffset(tokens: readonly SourceToken[] | undefined, offset: number, requireSpaceBeforeComment: boolean): number {
  let hasSpace = false;
  for (const token of tokens ?? []) {
    if (token.type === 'space' || token.type === 'newline') hasSpace = true;
    else if (token.type !== 'comment' || (requireSpaceBeforeComment && !hasSpace)) giveUp();
    offset += token.source.length;
  }
  return offset;
}

/**
 * Where `yaml` places an empty node: after the last token that is not a space, comment or line
 * break, plus the spaces that follow it (`emptyScalarPosition`, internal to the library).
 */
function emptyPosition(offset: number, before: readonly SourceToken[]): number {
  for (let i = before.length - 1; i >= 0; --i) {
    const type = before[i].type;
    if (type === 'space' || type === 'comment' || type === 'newline') {
      offset -= before[i].source.length;
      continue;
    }
    for (let j = i + 1; before[j]?.type === 'space'; ++j) offset += before[j].source.length;
    break;
  }
  return offset;
}

interface Composed {
  value: unknown;
  end: number;
}

class ValueWalk {
  constructor(private readonly maxDepth: number) {}

  node(token: Token, depth: number): Composed {
    if (depth >= this.maxDepth) giveUp();
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar':
        return scalar(token, false);
      case 'block-map':
        return this.blockMap(token, depth);
      case 'block-seq':
        return this.blockSeq(token, depth);
      case 'flow-collection':
        return this.emptyFlowCollection(token);
      default:
        return giveUp();
    }
  }

  /** An empty node after the properties `before` (read as `read`): it ends where they end when they hold a comment. */
  empty(before: readonly SourceToken[], read: { end: number; hasComment: boolean }): Composed {
    return { value: plainScalarValue('', false), end: read.hasComment ? read.end : emptyPosition(read.end, before) };
  }

  private blockMap(map: CST.BlockMap, depth: number): Composed {
    const result: Record<string, unknown> = {};
    let offset = map.offset;
    let commentEnd: number | undefined;
    for (const item of map.items) {
      // A comment-only item is only valid as the last one ("map comment with trailing content").
      if (commentEnd !== undefined) giveUp();
      if ('explicitKey' in item && item.explicitKey) giveUp();
      const keyProps = props(item.start, 'explicit-key-ind', true, offset);
      if (keyProps.found) giveUp();
      const { key, sep, value } = item as { key?: Token | null; sep?: SourceToken[]; value?: Token };
      if (!sep) {
        if (key) giveUp();
        commentEnd = keyProps.end;
        continue;
      }
      if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar')) return giveUp();
      if (key.indent !== map.indent || key.source.includes('\n') || key.end?.some((t) => t.type === 'newline')) giveUp();
      const keyValue = scalar(key, true).value;
      if ((keyValue !== null && typeof keyValue === 'object') || keyValue === '<<') giveUp();
      const name = keyValue === null ? '' : String(keyValue);
      // A repeated key is an error for `yaml`; two keys that only name the same property (`1` and
      // "1") are not, but are rare enough to leave to the composer too.
      if (Object.hasOwn(result, name)) giveUp();
      const valueProps = props(sep, 'map-value-ind', false, offset);
      if (!valueProps.found) giveUp();
      if (valueProps.found!.offset - keyProps.end > MAX_IMPLICIT_KEY_DISTANCE) giveUp();
      if (value?.type === 'block-map' && !valueProps.hasNewline) giveUp();
      const composed = value ? this.node(value, depth + 1) : this.empty(sep, valueProps);
      offset = composed.end;
      // As `yaml` does: a key that names an inherited property (`__proto__`, `toString`) becomes an own one.
      if (name in result) Object.defineProperty(result, name, { value: composed.value, writable: true, enumerable: true, configurable: true });
      else result[name] = composed.value;
    }
    return { value: result, end: commentEnd ?? offset };
  }

  private blockSeq(seq: CST.BlockSequence, depth: number): Composed {
    const result: unknown[] = [];
    let offset = seq.offset;
    let commentEnd: number | undefined;
    for (const item of seq.items) {
      if (commentEnd !== undefined) giveUp();
      const itemProps = props(item.start, 'seq-item-ind', true, offset);
      if (!itemProps.found) {
        if (item.value) giveUp();
        commentEnd = itemProps.end;
        continue;
      }
      const composed = item.value ? this.node(item.value, depth + 1) : this.empty(item.start, itemProps);
      offset = composed.end;
      result.push(composed.value);
    }
    return { value: result, end: commentEnd ?? offset };
  }

  private emptyFlowCollection(collection: CST.FlowCollection): Composed {
    if (collection.items.length) giveUp();
    const [close, ...rest] = collection.end;
    if (close?.source !== (collection.start.source === '{' ? '}' : ']')) giveUp();
    const closeEnd = close.offset + close.source.length;
    return { value: collection.start.source === '{' ? {} : [], end: endOffset(rest, closeEnd, true) };
  }
}

/**
 * The documents of a token stream as plain values with their ranges, or undefined when the stream
 * holds anything this walk does not vouch for (see the module comment). `maxDocuments` and
 * `maxDepth` are the parse limits: a stream beyond them is left to the composer, which reports them.
 */
export function valuesFromTokens(tokens: readonly Token[], maxDocuments: number, maxDepth: number): FastDocument[] | undefined {
  const walk = new ValueWalk(maxDepth);
  const documents: FastDocument[] = [];
  try {
    for (const token of tokens) {
      switch (token.type) {
        case 'document': {
          if (documents.length >= maxDocuments) return undefined;
          const docProps = props(token.start, 'doc-start', true, token.offset);
          if (docProps.found && (token.value?.type === 'block-map' || token.value?.type === 'block-seq') && !docProps.hasNewline) return undefined;
          const contents = token.value ? walk.node(token.value, 0) : walk.empty(token.start, docProps);
          documents.push({ value: contents.value, span: { start: token.offset, end: endOffset(token.end, contents.end, false) } });
          break;
        }
        case 'byte-order-mark':
        case 'space':
        case 'comment':
        case 'newline':
          break;
        default:
          return undefined;
      }
    }
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
  return documents;
}
