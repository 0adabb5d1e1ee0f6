// What the extension-host tests share: the example workspace, polling, and reading diagnostics.
// Only the `vscode` API: the same files run in VS Code (@vscode/test-electron) and code-server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'kyverno-analyzer.kyverno-policy-analyzer';
/** The language server answers after indexing; a loaded CI machine is slow. No timing is asserted. */
export const PATIENCE_MS = 60_000;

/** A file of the workspace the test host opened: a fresh copy of examples/. */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open: the suite runs against a copy of examples/');
  return vscode.Uri.joinPath(folder.uri, relative);
}

export async function open(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Runs `probe` until it returns without throwing (assertions inside it are the condition), then
 * returns its value. On timeout, rethrows the probe's last error, so the failure says what was
 * missing rather than only that time ran out.
 */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${what}: still failing after ${timeoutMs / 1000} s: ${message}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** The analyzer's diagnostics on a file (other extensions may add their own). */
export function kyvernoDiagnostics(uri: vscode.Uri, code?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'kyverno' && (code === undefined || codeOf(d) === code));
}

/** For messages: the codes on a file, with their 1-based lines. */
export function describeDiagnostics(uri: vscode.Uri): string {
  const all = kyvernoDiagnostics(uri);
  return all.length ? all.map((d) => `${d.range.start.line + 1}:${codeOf(d)}`).join(', ') : '(none)';
}

/** The 0-based line of the first line matching `pattern`, asserting there is one. */
export function lineOf(document: vscode.TextDocument, pattern: RegExp): number {
  for (let line = 0; line < document.lineCount; line++) if (pattern.test(document.lineAt(line).text)) return line;
  assert.fail(`no line of ${document.uri.path} matches ${pattern}`);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
}
