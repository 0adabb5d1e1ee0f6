// The "Kyverno: Admission Preview" command: asks the server's `kyverno/admissionPreview` for the
// resource under the cursor and shows the Markdown it renders in the Markdown preview, beside the
// editor (a read-only virtual document, refreshed when the command runs again).
import type * as vscode from 'vscode';

export const ADMISSION_PREVIEW_COMMAND = 'kyverno.admissionPreview';
export const ADMISSION_PREVIEW_REQUEST = 'kyverno/admissionPreview';
const SCHEME = 'kyverno-preview';

export interface PreviewRequester {
  (params: { uri: string; position: { line: number; character: number } }): Promise<{ markdown: string; source: string } | undefined>;
}

/** `Admission preview - web.yaml.md`: one virtual document per source file. */
export function previewPath(sourcePath: string): string {
  const name = sourcePath.split(/[\\/]/).at(-1) || 'resource';
  return `/Admission preview - ${name}.md`;
}

export function registerAdmissionPreview(api: typeof vscode, context: vscode.ExtensionContext, request: PreviewRequester, toServerUri: (uri: vscode.Uri) => string): void {
  const contents = new Map<string, string>();
  const changed = new api.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: (uri) => contents.get(uri.toString()) ?? '',
  };
  context.subscriptions.push(
    changed,
    api.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    api.commands.registerCommand(ADMISSION_PREVIEW_COMMAND, async () => {
      const editor = api.window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'yaml') {
        void api.window.showInformationMessage('Open a Kubernetes resource (YAML) and put the cursor in it to preview its admission.');
        return;
      }
      let answer: { markdown: string; source: string } | undefined;
      try {
        answer = await api.window.withProgress({ location: api.ProgressLocation.Window, title: 'Kyverno: simulating admission' }, () =>
          request({ uri: toServerUri(editor.document.uri), position: { line: editor.selection.active.line, character: editor.selection.active.character } }),
        );
      } catch (error) {
        void api.window.showWarningMessage(`Admission preview: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (!answer) return;
      const uri = api.Uri.from({ scheme: SCHEME, path: previewPath(editor.document.uri.path) });
      contents.set(uri.toString(), answer.markdown);
      changed.fire(uri);
      try {
        await api.commands.executeCommand('markdown.showPreviewToSide', uri);
      } catch {
        // Without the built-in Markdown extension: show the Markdown text itself.
        const document = await api.workspace.openTextDocument(uri);
        await api.window.showTextDocument(document, { viewColumn: api.ViewColumn.Beside, preview: true });
      }
    }),
  );
}
