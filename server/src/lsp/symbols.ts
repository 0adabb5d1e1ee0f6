// Document symbols (policy → rules, and resources) and workspace symbols (every policy and rule).
import { SymbolKind, type CancellationToken, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import type { Span } from '../findings.ts';
import type { Policy, Rule } from '../model/types.ts';
import type { IndexedFile } from '../workspace/document.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import { spanOf } from '../yaml/paths.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { toRange } from './convert.ts';

/** Legacy policies have named rules under spec.rules; a CEL policy is its own single rule. */
export function namedRules(policy: Policy): Rule[] {
  return policy.rules.filter((r) => r.source.path.length > 1);
}

export function documentSymbols(file: IndexedFile): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const document of file.documents) {
    const doc = document.yaml.doc;
    const docRange = toRange(file.lines, document.yaml.span);
    const nameSpan = spanOf(doc, ['metadata', 'name']);
    const selection = toRange(file.lines, within(nameSpan, document.yaml.span));
    if (document.policy) {
      const policy = document.policy;
      symbols.push({
        name: policy.name || '(unnamed)',
        detail: policy.kind,
        kind: SymbolKind.Class,
        range: docRange,
        selectionRange: selection,
        children: namedRules(policy).map((rule): DocumentSymbol => {
          const ruleSpan = spanOf(doc, rule.source.path);
          return {
            name: rule.name,
            detail: rule.phase,
            kind: SymbolKind.Method,
            range: toRange(file.lines, ruleSpan),
            selectionRange: toRange(file.lines, within(spanOf(doc, [...rule.source.path, 'name']), ruleSpan)),
          };
        }),
      });
    } else if (document.resource) {
      const r = document.resource;
      symbols.push({ name: `${r.kind}/${r.name || '(unnamed)'}`, detail: r.namespace, kind: SymbolKind.Object, range: docRange, selectionRange: selection });
    }
  }
  return symbols;
}

/** A selection range must lie inside its symbol's range. */
function within(span: Span, outer: Span): Span {
  return span.start >= outer.start && span.end <= outer.end ? span : { start: outer.start, end: outer.start };
}

const SLICE_MS = 10;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every policy and rule matching the query. Yields to the event loop between slices (and once
 * before starting) so that a `$/cancelRequest` that arrived meanwhile stops it: then it answers [].
 */
export async function workspaceSymbols(
  index: WorkspaceIndex,
  query: string,
  uriOf: (file: string) => string,
  linesOf: (file: string) => LineIndex | undefined,
  token?: CancellationToken,
): Promise<SymbolInformation[]> {
  const q = query.toLowerCase();
  const matches = (name: string) => q === '' || fuzzy(name.toLowerCase(), q);
  const out: SymbolInformation[] = [];
  await yieldToEventLoop();
  let sliceStart = performance.now();
  for (const policy of index.policies()) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
    if (token?.isCancellationRequested) return [];
    const lines = linesOf(policy.source.file);
    if (!lines) continue;
    const uri = uriOf(policy.source.file);
    if (matches(policy.name)) {
      out.push({ name: policy.name, kind: SymbolKind.Class, containerName: policy.kind, location: { uri, range: toRange(lines, index.spanOf(policy.source)) } });
    }
    for (const rule of namedRules(policy)) {
      if (!matches(rule.name)) continue;
      out.push({ name: rule.name, kind: SymbolKind.Method, containerName: policy.name, location: { uri, range: toRange(lines, index.spanOf(rule.source)) } });
    }
  }
  return token?.isCancellationRequested ? [] : out;
}

/** The query's characters appear in order (VS Code's own matching is looser still). */
function fuzzy(name: string, query: string): boolean {
  let i = 0;
  for (const c of name) if (c === query[i]) i++;
  return i === query.length;
}
