// The checks' docs pages ship in the .vsix (docs/checks/**): diagnostics link to those files instead
// of a web address that may not exist, "Open the Check's Documentation" shows them in the Markdown
// preview, and every Kyverno diagnostic's light bulb offers "Show documentation for <check>".
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { DOCS_BASE_URL, docsPath } from '../../server/src/checks/docs.ts';

export const OPEN_DOCS_COMMAND = 'kyverno.openCheckDocs';

/** The bundled page of a code (`cel/syntax.md`, or the family's `schema.md` for `schema/type`), relative to the extension. */
export function bundledDocsPath(extensionPath: string, code: string): string {
  return `docs/checks/${docsPath(code, join(extensionPath, 'docs', 'checks'))}`;
}

/** The code a published docs address names (`…/docs/checks/cel/syntax.md` → `cel/syntax`), if it is one of ours. */
export function codeOfDocsUrl(url: string): string | undefined {
  return url.startsWith(DOCS_BASE_URL) && url.endsWith('.md') ? url.slice(DOCS_BASE_URL.length, -'.md'.length) : undefined;
}

export function registerCheckDocs(api: typeof vscode, context: vscode.ExtensionContext): {
  /** The diagnostics with their docs links pointing at the bundled pages (for the client's middleware). */
  localLinks(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[];
} {
  const pageOf = (code: string) => api.Uri.joinPath(context.extensionUri, bundledDocsPath(context.extensionPath, code));
  const show = async (code: string) => {
    const page = pageOf(code);
    try {
      await api.commands.executeCommand('markdown.showPreview', page);
    } catch {
      await api.window.showTextDocument(page, { preview: true });
    }
  };
  context.subscriptions.push(
    api.commands.registerCommand(OPEN_DOCS_COMMAND, async (code?: string) => {
      const picked = code ?? (await codeUnderCursor(api));
      if (picked) await show(picked);
      else void api.window.showInformationMessage('No Kyverno diagnostic here: put the cursor on one and run the command again.');
    }),
    api.languages.registerCodeActionsProvider({ language: 'yaml' }, {
      provideCodeActions(_document, _range, ctx) {
        const codes = new Set(ctx.diagnostics.filter((d) => d.source === 'kyverno').map(codeValue).filter((c) => c !== undefined));
        return [...codes].map((code) => {
          const action = new api.CodeAction(`Show documentation for ${code}`, api.CodeActionKind.QuickFix);
          action.command = { title: action.title, command: OPEN_DOCS_COMMAND, arguments: [code] };
          return action;
        });
      },
    }, { providedCodeActionKinds: [api.CodeActionKind.QuickFix] }),
  );
  return {
    localLinks(diagnostics) {
      for (const d of diagnostics) {
        if (typeof d.code !== 'object' || d.code === null) continue;
        const code = codeOfDocsUrl(d.code.target.toString(true));
        if (code) d.code = { value: d.code.value, target: pageOf(code) };
      }
      return diagnostics;
    },
  };
}

function codeValue(d: vscode.Diagnostic): string | undefined {
  if (typeof d.code === 'object' && d.code !== null) return String(d.code.value);
  return d.code === undefined ? undefined : String(d.code);
}

/** One of the Kyverno diagnostics under the cursor (asks when there are several). */
async function codeUnderCursor(api: typeof vscode): Promise<string | undefined> {
  const editor = api.window.activeTextEditor;
  const diagnostics = editor ? api.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'kyverno') : [];
  const here = editor ? diagnostics.filter((d) => d.range.contains(editor.selection.active)) : [];
  const codes = [...new Set((here.length ? here : diagnostics).map(codeValue).filter((c) => c !== undefined))];
  return codes.length <= 1 ? codes[0] : (await api.window.showQuickPick(codes, { placeHolder: 'Open the docs of which check?' })) ?? undefined;
}
