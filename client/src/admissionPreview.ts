// The "Kyverno: Admission Preview" command: asks the server's `kyverno/admissionPreview` for the
// resource under the cursor and shows the Markdown it renders in the Markdown preview, beside the
// editor. The Markdown preview does not follow `file:` links, so the text is written to a file in
// the extension's storage with its links made relative to it (`../…/policy.yaml#L16`), which the
// preview opens at the line.
import type * as vscode from 'vscode';
import { posix } from 'node:path';

export const ADMISSION_PREVIEW_COMMAND = 'kyverno.admissionPreview';

export interface PreviewRequester {
  (params: { uri: string; position: { line: number; character: number } }): Promise<{ markdown: string; source: string } | undefined>;
}

/**
 * `web.yaml · admission.md`: one preview file per source file name. The Markdown preview titles its
 * tab "Preview <file name>", so the name leads with the resource's file and says "preview" nowhere.
 */
export function previewFileName(sourcePath: string): string {
  const name = sourcePath.split(/[\\/]/).at(-1) || 'resource';
  return `${name} · admission.md`;
}

/** Rewrites Markdown links to `file:` URIs as paths relative to the directory `fromDir` (a file URI's path). */
export function relativeLinks(markdown: string, fromDir: string): string {
  return markdown.replace(/\]\((file:\/\/[^)\s]+)\)/g, (whole, target: string) => {
    const url = new URL(target);
    if (url.host && url.host !== 'localhost') return whole;
    const relative = posix.relative(fromDir, decodeURIComponent(url.pathname)) || '.';
    return `](${relative.split('/').map(encodeURIComponent).join('/')}${url.hash})`;
  });
}

export function registerAdmissionPreview(api: typeof vscode, context: vscode.ExtensionContext, request: PreviewRequester, toServerUri: (uri: vscode.Uri) => string): void {
  context.subscriptions.push(
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
      const dir = api.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'admission-preview');
      const file = api.Uri.joinPath(dir, previewFileName(editor.document.uri.path));
      await api.workspace.fs.createDirectory(dir);
      await api.workspace.fs.writeFile(file, new TextEncoder().encode(relativeLinks(answer.markdown, dir.path)));
      try {
        await api.commands.executeCommand('markdown.showPreviewToSide', file);
      } catch {
        // Without the built-in Markdown extension: show the Markdown text itself.
        await api.window.showTextDocument(file, { viewColumn: api.ViewColumn.Beside, preview: true });
      }
    }),
  );
}
