// What a VS Code user meets (issue #16): a Conflicts-view click leaves the cursor on the rule's
// name with nothing selected, the Admission Preview says what becomes of web.yaml's Pod and why,
// and suppression comments silence exactly one finding (an unused one is reported).
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import type { KyvernoExtensionApi } from '../../client/src/extension.ts';
import type { ConflictTreeNode } from '../../client/src/conflictsView.ts';
import { EXTENSION_ID, codeOf, describeDiagnostics, eventually, kyvernoDiagnostics, lineOf, open, workspaceFile } from './helpers.ts';

async function api(): Promise<KyvernoExtensionApi> {
  const extension = vscode.extensions.getExtension<KyvernoExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
  return extension.activate();
}

const flatten = (nodes: ConflictTreeNode[]): ConflictTreeNode[] => nodes.flatMap((n) => [n, ...flatten(n.children)]);

suite('Editor experience', () => {
  test('a click on a rule in the Conflicts view puts the cursor on its name and selects nothing', async () => {
    const { conflicts } = await api();
    const rule = await eventually('a rule row in the Conflicts view', async () => {
      const found = flatten(await conflicts.roots()).find((n) => n.type === 'rule' && n.name && n.location?.uri.endsWith('/legacy/non-root.yaml'));
      assert.ok(found, 'no rule of legacy/non-root.yaml in the tree');
      return found;
    });
    const item = conflicts.treeItem(rule);
    assert.ok(item.command, 'the row has a click command');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = await eventually('the rule opened', () => {
      const active = vscode.window.activeTextEditor;
      if (!active?.document.uri.path.endsWith('/legacy/non-root.yaml')) throw new Error(`active: ${active?.document.uri.path}`);
      return active;
    });
    assert.ok(editor.selection.isEmpty, `the selection is ${JSON.stringify(editor.selection)}: typing would replace it`);
    const cursor = editor.selection.active;
    const word = editor.document.getText(editor.document.getWordRangeAtPosition(cursor, /[\w.-]+/));
    assert.equal(word, rule.name, 'the cursor is on the rule name');
    assert.match(editor.document.lineAt(cursor.line).text, new RegExp(`name: ${rule.name}`));
  });

  test('the Admission Preview of web.yaml says its Pod never starts, and why', async () => {
    const editor = await open('conflicts/workloads/web.yaml');
    const inPod = new vscode.Position(lineOf(editor.document, /^kind: Pod/), 0);
    editor.selection = new vscode.Selection(inPod, inPod);
    const preview = await eventually('the preview of web.yaml', async () => {
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand('kyverno.admissionPreview');
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/web.yaml · admission.md'));
      assert.ok(doc, `no preview document among ${vscode.workspace.textDocuments.map((d) => d.uri.path).join(', ')}`);
      // The preview is written after the whole workspace was indexed: both non-root policies apply.
      assert.match(doc.getText(), /never start/);
      return doc.getText();
    });
    const verdict = preview.slice(preview.indexOf('Verdict'));
    assert.match(verdict, /the Pod would never start: container `web`: the kubelet refuses to start a container with runAsNonRoot: true and runAsUser: 0/, verdict);
    assert.match(preview, /```diff\n {3}\+ spec\.securityContext\.runAsUser: 0\n/, 'each mutation shows its own change');
  });

  test('a suppression comment removes exactly one diagnostic, and one that silences nothing is reported', async () => {
    const uri = workspaceFile('cronjobs/nightly-report.yaml');
    const editor = await open('cronjobs/nightly-report.yaml');
    const document = editor.document;
    const imageLine = lineOf(document, /image: ghcr\.io\/acme\/report:2\.4\.0/);
    const before = await eventually('the CronJob diagnostics', () => {
      const all = kyvernoDiagnostics(uri);
      assert.ok(all.some((d) => codeOf(d) === 'cronjob/mutable-image' && d.range.start.line === imageLine), describeDiagnostics(uri));
      assert.equal(kyvernoDiagnostics(uri, 'cronjob/mutable-image').length, 2, describeDiagnostics(uri));
      return all.map((d) => `${d.range.start.line}:${codeOf(d)}`);
    });

    // The light bulb offers to silence it, and the documentation.
    const target = kyvernoDiagnostics(uri, 'cronjob/mutable-image').find((d) => d.range.start.line === imageLine)!;
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, target.range)) ?? [];
    const titles = actions.map((a) => a.title);
    for (const title of ['Disable cronjob/mutable-image for this line', 'Disable cronjob/mutable-image for this file', 'Show documentation for cronjob/mutable-image']) assert.ok(titles.includes(title), `${title} not among ${titles.join(' | ')}`);

    const indent = document.lineAt(imageLine).text.match(/^\s*/)![0];
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(imageLine, 0), `${indent}# kyverno-analyzer-disable-next-line cronjob/mutable-image -- rebuilt nightly\n`);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await eventually('exactly one diagnostic fewer', () => {
      // Lines below the inserted comment moved down by one.
      const shifted = before.filter((k) => k !== `${imageLine}:cronjob/mutable-image`).map((k) => {
        const [line, code] = [Number(k.split(':')[0]), k.slice(k.indexOf(':') + 1)];
        return `${line >= imageLine ? line + 1 : line}:${code}`;
      });
      assert.deepEqual(kyvernoDiagnostics(uri).map((d) => `${d.range.start.line}:${codeOf(d)}`).sort(), shifted.sort());
    });

    const restartLine = lineOf(document, /restartPolicy: OnFailure/);
    const unused = new vscode.WorkspaceEdit();
    unused.insert(uri, new vscode.Position(restartLine, 0), `${document.lineAt(restartLine).text.match(/^\s*/)![0]}# kyverno-analyzer-disable-next-line cronjob/schedule\n`);
    assert.ok(await vscode.workspace.applyEdit(unused));
    await eventually('the unused suppression reported', () => {
      const found = kyvernoDiagnostics(uri, 'hygiene/unused-suppression');
      assert.equal(found.length, 1, describeDiagnostics(uri));
      assert.equal(found[0]!.range.start.line, restartLine);
      assert.equal(document.getText(found[0]!.range), 'cronjob/schedule');
    });
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
