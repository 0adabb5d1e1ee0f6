// The extension loads from the development path, activates on a YAML file, and registers its commands.
import * as assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, open } from './helpers.ts';

suite('Activation', () => {
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
