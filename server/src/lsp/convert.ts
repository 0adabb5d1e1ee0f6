// The one place where the analysis core's plain data (offsets, file ids, findings, fixes) becomes
// LSP (ranges, URIs, diagnostics, code actions), as rust-analyzer's `to_proto.rs`.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type CodeAction,
  type CreateFile,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Range,
  type TextDocumentEdit,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { FileId, Finding, Fix, Severity, Span, TextEdit } from '../findings.ts';
import { docsUrl } from '../checks/docs.ts';
import { LineIndex } from '../yaml/lineIndex.ts';

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]+:/;

/** A file id is an absolute path, or the URI itself for documents without one (untitled:). */
export function fileIdOf(uri: string): FileId {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function defaultUriOf(file: FileId): string {
  return SCHEME.test(file) && !/^[a-zA-Z]:[\\/]/.test(file) ? file : pathToFileURL(file).href;
}

/** What conversion needs from the server: the client's URI for a file, and the text lines it has. */
export interface ConvertContext {
  uriOf(file: FileId): string;
  /** Line index of the text the client sees; undefined when the file does not exist. */
  linesOf(file: FileId): LineIndex | undefined;
  /** Version of an open document, null when the edit targets the file on disk. */
  versionOf(file: FileId): number | null;
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const emptyLines = new LineIndex('');

export function toRange(lines: LineIndex, span: Span): Range {
  return lines.rangeOf(span);
}

/** A finding on the file as a whole sits at offset 0: no line table is needed for it (one over a 20 MB file takes a second). */
const fileStart: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function toDiagnostic(finding: Finding, ctx: ConvertContext): Diagnostic {
  const atStart = finding.span.start === 0 && finding.span.end === 0;
  const diagnostic: Diagnostic = {
    range: atStart ? fileStart : toRange(ctx.linesOf(finding.file) ?? emptyLines, finding.span),
    severity: severities[finding.severity],
    code: finding.code,
    codeDescription: { href: docsUrl(finding.code) },
    source: 'kyverno',
    message: finding.message,
  };
  if (finding.tags?.length) diagnostic.tags = finding.tags.map((t) => (t === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary));
  if (finding.related?.length) {
    diagnostic.relatedInformation = finding.related.map((r): DiagnosticRelatedInformation => ({
      location: { uri: ctx.uriOf(r.file), range: toRange(ctx.linesOf(r.file) ?? emptyLines, r.span) },
      message: r.message,
    }));
  }
  return diagnostic;
}

/**
 * A fix as a quick fix. Edits to existing files become text edits (versioned when the document is
 * open); edits to a file that does not exist yet become CreateFile followed by an insert.
 */
export function toCodeAction(fix: Fix, diagnostic: Diagnostic | undefined, ctx: ConvertContext): CodeAction {
  const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, edit: toWorkspaceEdit(fix.edits, ctx) };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.isPreferred) action.isPreferred = true;
  return action;
}

export function toWorkspaceEdit(edits: TextEdit[], ctx: ConvertContext): WorkspaceEdit {
  const byFile = new Map<FileId, TextEdit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  const missing = [...byFile.keys()].filter((file) => !ctx.linesOf(file));
  if (missing.length === 0) {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const [file, fileEdits] of byFile) changes[ctx.uriOf(file)] = fileEdits.map((e) => toTextEdit(e, ctx.linesOf(file)!));
    return { changes };
  }
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const [file, fileEdits] of byFile) {
    const uri = ctx.uriOf(file);
    const lines = ctx.linesOf(file);
    if (!lines) {
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
      // A new file has no text yet: its edits are inserted at the start, in order.
      const newText = fileEdits.map((e) => e.newText).join('');
      documentChanges.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText }] });
    } else {
      documentChanges.push({ textDocument: { uri, version: ctx.versionOf(file) }, edits: fileEdits.map((e) => toTextEdit(e, lines)) });
    }
  }
  return { documentChanges };
}

function toTextEdit(edit: TextEdit, lines: LineIndex): LspTextEdit {
  return { range: toRange(lines, edit.span), newText: edit.newText };
}

/** Same finding (code, place, message): how code actions find the findings behind a client's diagnostics. */
export function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  // Clients echo diagnostics back loosely (Neovim 0.7 may drop fields): compare what is there.
  return a.code === b.code && a.message === b.message && a.range?.start?.line === b.range?.start?.line && a.range?.start?.character === b.range?.start?.character;
}
