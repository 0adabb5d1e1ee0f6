// Requests: each reads the latest analysis of its document (session.fresh) and converts what the
// pure layer (ide/, engine/, conflicts/) computes into LSP.
import {
  CompletionItemKind,
  type CancellationToken,
  type CodeActionParams,
  type CodeLens,
  type CodeLensParams,
  type CompletionList,
  type CompletionParams,
  type DocumentSymbolParams,
  type Hover,
  type HoverParams,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver';
import { completeAt } from '../../ide/completion.ts';
import { hoverAt } from '../../ide/hover.ts';
import { admissionPreviewResult } from '../admissionPreview.ts';
import { codeActions } from '../codeActions.ts';
import { codeLenses, resolveCodeLens } from '../codeLens.ts';
import { conflictsResult } from '../conflicts.ts';
import { fileIdOf } from '../convert.ts';
import { OpenText } from '../openText.ts';
import type { AdmissionPreviewParams, AdmissionPreviewResult, ConflictsResult } from '../protocol.ts';
import type { Session } from '../session.ts';
import { documentSymbols, workspaceSymbols } from '../symbols.ts';

export function hover(session: Session, { textDocument, position }: HoverParams): Hover | null {
  const { state } = session;
  const indexed = state.index.getFile(session.fresh(textDocument.uri));
  if (!indexed) return null;
  const answer = hoverAt(indexed, indexed.lines.offsetAt(position), undefined, { index: state.index, uriOf: (f) => state.uriOf(f), linesOf: (f) => state.linesOf(f) });
  if (!answer) return null;
  return { contents: { kind: 'markdown', value: answer.markdown }, range: indexed.lines.rangeOf(answer.span) };
}

export function completion(session: Session, { textDocument, position, context }: CompletionParams): CompletionList | null {
  // The editor's text as it is now (not the last analysed one): completion reads the line being typed.
  const doc = session.state.open.get(fileIdOf(textDocument.uri));
  if (!(doc instanceof OpenText)) return null;
  const answer = completeAt(doc.text, doc.offsetAt(position));
  if (!answer) return null;
  // A typed space only asks for values (`key: ␣`), not for keys on every indentation step.
  if (context?.triggerCharacter === ' ' && answer.items.some((i) => i.kind === 'key')) return null;
  const range = { start: doc.positionAt(answer.span.start), end: doc.positionAt(answer.span.end) };
  return {
    isIncomplete: false,
    items: answer.items.map((item, i) => ({
      label: item.label,
      kind: item.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.Value,
      detail: item.detail,
      documentation: item.documentation ? { kind: 'markdown' as const, value: item.documentation } : undefined,
      sortText: `${item.required ? 0 : 1}${String(i).padStart(4, '0')}`,
      textEdit: { range, newText: item.insertText },
      // `failurePolicy: ` then offers Fail and Ignore at once, as Red Hat YAML does.
      ...(item.suggestValues ? { command: { title: 'Suggest values', command: 'editor.action.triggerSuggest' } } : {}),
    })),
  };
}

export function codeAction(session: Session, { textDocument, range, context }: CodeActionParams) {
  return codeActions(session.state, session.fresh(textDocument.uri), range, context.diagnostics);
}

export function codeLens(session: Session, { textDocument }: CodeLensParams): CodeLens[] {
  const indexed = session.state.index.getFile(session.fresh(textDocument.uri));
  return indexed ? codeLenses(indexed, session.state.index) : [];
}

export function codeLensResolve(session: Session, lens: CodeLens): CodeLens {
  const { state } = session;
  return resolveCodeLens(lens, state.index, (f) => state.uriOf(f), (f) => state.linesOf(f));
}

export function documentSymbol(session: Session, { textDocument }: DocumentSymbolParams) {
  const indexed = session.state.index.getFile(session.fresh(textDocument.uri));
  return indexed ? documentSymbols(indexed) : [];
}

export function workspaceSymbol(session: Session, { query }: WorkspaceSymbolParams, token: CancellationToken) {
  const { state } = session;
  return workspaceSymbols(state.index, query, (f) => state.uriOf(f), (f) => state.linesOf(f), token);
}

/** `kyverno/conflicts`: the conflict view's data source. */
export function conflicts(session: Session): ConflictsResult {
  session.scheduler.ensureAnalysedAll();
  return conflictsResult(session.state.index, (f) => session.state.uriOf(f));
}

/** `kyverno/admissionPreview`: the pipeline of the resource under the cursor (or of a witness). */
export function admissionPreview(session: Session, params: AdmissionPreviewParams): AdmissionPreviewResult {
  session.scheduler.ensureAnalysedAll();
  const { state } = session;
  return admissionPreviewResult(params, { index: state.index, uriOf: (f) => state.uriOf(f), linesOf: (f) => state.linesOf(f) });
}
