// Hover, document symbols and quick fixes through VS Code's provider commands: what the editor
// would show, obtained the way the editor obtains it.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { describeDiagnostics, eventually, hoverText, kyvernoDiagnostics, lineOf, open, workspaceFile } from './helpers.ts';

async function hoverAt(document: vscode.TextDocument, line: number, word: string): Promise<string> {
  const position = new vscode.Position(line, document.lineAt(line).text.indexOf(word) + 1);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hoverText(hovers ?? []);
}

suite('Language features', () => {
  test('hover on a Kyverno field shows the CRD\'s documentation', async () => {
    const { document } = await open('basics/require-labels.yaml');
    const line = lineOf(document, /^\s+rules:/);
    const text = await eventually('a hover on spec.rules', async () => {
      const markdown = await hoverAt(document, line, 'rules');
      assert.match(markdown, /\*\*rules\*\* — `list of object`/, `hover: ${JSON.stringify(markdown)}`);
      return markdown;
    });
    assert.match(text, /Rules/, 'the CRD\'s description of rules');
    assert.match(text, /spec\.rules/, 'the field path');
    assert.ok(text.length > 80, `a real description, not a stub: ${JSON.stringify(text)}`);
  });

  test('hover on a field a rule writes lists the other rules touching it, across files', async () => {
    const { document } = await open('conflicts/legacy/non-root.yaml');
    const line = lineOf(document, /^\s+runAsNonRoot:/);
    await eventually('the field usage in the hover', async () => {
      const markdown = await hoverAt(document, line, 'runAsNonRoot');
      assert.match(markdown, /this rule writes it\. \d+ other rules? touch(es)? it/, `hover: ${JSON.stringify(markdown)}`);
      // enforce-non-root is the CEL MutatingPolicy in conflicts/cel/, a file nobody opened.
      assert.match(markdown, /\benforce-non-root\b/);
    });
  });

  test('document symbols list each policy with its rules', async () => {
    const uri = workspaceFile('conflicts/legacy/app-label.yaml');
    await open('conflicts/legacy/app-label.yaml');
    const symbols = await eventually('document symbols', async () => {
      const found = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
      assert.ok(found?.length, 'no symbols');
      return found;
    });
    assert.deepEqual(
      symbols.map((s) => ({ name: s.name, kind: vscode.SymbolKind[s.kind], rules: s.children.map((r) => `${r.name}:${vscode.SymbolKind[r.kind]}`) })),
      [
        { name: 'legacy-add-default-app-label', kind: 'Class', rules: ['add-app-label:Method'] },
        { name: 'legacy-require-app-frontend', kind: 'Class', rules: ['require-frontend:Method'] },
      ],
    );
    for (const policy of symbols) for (const rule of policy.children) assert.ok(policy.range.contains(rule.range), `${rule.name} lies inside ${policy.name}`);
  });

  test('a quick fix carries a WorkspaceEdit, and applying it clears the diagnostic', async () => {
    const code = 'cronjob/active-deadline-missing';
    const uri = workspaceFile('cronjobs/nightly-report.yaml');
    const { document } = await open('cronjobs/nightly-report.yaml');
    const line = lineOf(document, /^\s+jobTemplate:/);
    try {
      const diagnostic = await eventually(code, () => {
        const found = kyvernoDiagnostics(uri, code).find((d) => d.range.start.line === line);
        assert.ok(found, `no ${code} on line ${line + 1}; have ${describeDiagnostics(uri)}`);
        return found;
      });
      const fix = await eventually('the quick fix', async () => {
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
        const found = (actions ?? []).filter((a): a is vscode.CodeAction => typeof a.command !== 'string').find((a) => /^Set activeDeadlineSeconds: \d+/.test(a.title));
        assert.ok(found, `offered: ${(actions ?? []).map((a) => a.title).join(' | ') || '(nothing)'}`);
        return found;
      });
      assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), `kind ${fix.kind?.value}`);
      // (vscode.executeCodeActionProvider does not carry an action's diagnostics back to extensions.)
      assert.equal(fix.isPreferred, true, 'the fix is the preferred one (Auto Fix applies it)');
      assert.ok(fix.edit instanceof vscode.WorkspaceEdit && fix.edit.size > 0, 'the fix carries a WorkspaceEdit');
      assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'applyEdit');
      const firstCronJob = document.getText().split(/^---$/m)[0];
      assert.match(firstCronJob, /\n {6}activeDeadlineSeconds: \d+\n/, 'the field is inserted in the Job spec of the first CronJob');
      await eventually(`${code} to go away`, () => assert.deepEqual(kyvernoDiagnostics(uri, code).map((d) => d.range.start.line + 1), [], `still there; have ${describeDiagnostics(uri)}`));
    } finally {
      // Leave the file as the other tests expect it.
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
