// The extension loads from the development path, activates in a folder of YAML files (before any is
// opened) and on a YAML file, and registers its commands.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, open } from './helpers.ts';
import type { KyvernoExtensionApi } from '../../client/src/extension.ts';

suite('Activation', () => {
  // First of the whole suite (files run in name order): nothing has opened a file yet.
  test('in a folder of policies the extension activates and indexes without any file opened', async () => {
    const extension = vscode.extensions.getExtension<KyvernoExtensionApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
    const openYaml = vscode.workspace.textDocuments.filter((d) => /\.ya?ml$/.test(d.uri.path)).map((d) => d.uri.path);
    assert.deepEqual(openYaml, [], 'no YAML file may be open for this test to mean anything');
    // Not extension.activate(): `workspaceContains:**/*.{yaml,yml}` must do it.
    await eventually('activation by workspaceContains', () => assert.ok(extension.isActive, `${EXTENSION_ID} is not active`));
    await eventually('a finished index pass over the workspace', () => {
      const status = extension.exports.status();
      assert.ok(status && !status.indexing && status.policies > 0, `status: ${JSON.stringify(status)}`);
    });
    assert.deepEqual(vscode.workspace.textDocuments.filter((d) => /\.ya?ml$/.test(d.uri.path)).map((d) => d.uri.path), [], 'still no YAML file open');
  });

  test('the extension activates when a YAML file is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
    // Not extension.activate(): the manifest's activation events must do it.
    await open('basics/require-labels.yaml');
    await eventually('activation by onLanguage:yaml', () => assert.ok(extension.isActive, `${EXTENSION_ID} is not active`));
  });

  test('every command the manifest contributes is registered', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among the loaded extensions`);
    await extension.activate();
    const contributed = (extension.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command) as string[];
    assert.ok(contributed.includes('kyverno.reindex') && contributed.includes('kyverno.admissionPreview'), `unexpected manifest commands: ${contributed.join(', ')}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((command) => !registered.has(command)), [], 'contributed commands without a handler');
  });
});
