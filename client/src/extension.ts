// The VS Code client: start the bundled server over IPC, show its status, restart it on a crash
// (bounded), and a few commands. Everything else is the server's.
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, State, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions, type StaticFeature } from 'vscode-languageclient/node';
import { decideRestart } from './restartPolicy.ts';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/runtime.ts';
import { registerConflictsView } from './conflictsView.ts';
import { registerAdmissionPreview } from './admissionPreview.ts';
import { registerCheckDocs } from './checkDocs.ts';
import { ADMISSION_PREVIEW_REQUEST, CONFLICTS_REQUEST, REINDEX_COMMAND, SHOW_CONFLICTS_COMMAND, SHOW_RULES_COMMAND, STATUS_NOTIFICATION, type StatusParams } from '../../server/src/lsp/protocol.ts';
let client: LanguageClient | undefined;

/** What `activate` returns: the extension-host tests read the status and click the Conflicts view through it. */
export interface KyvernoExtensionApi {
  /** The last `kyverno/status` the server sent. */
  status(): StatusParams | undefined;
  conflicts: ReturnType<typeof registerConflictsView>;
}

export function activate(context: vscode.ExtensionContext): KyvernoExtensionApi {
  const output = vscode.window.createOutputChannel('Kyverno', { log: true });
  // The client appends --node-ipc (and --clientProcessId) to these arguments.
  const module = context.asAbsolutePath('dist/cli.js');
  const serverOptions: ServerOptions = {
    run: { module, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6011'] } },
  };
  let crashes: number[] = [];
  const errorHandler: ErrorHandler = {
    error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      const decision = decideRestart(crashes, Date.now());
      crashes = decision.crashes;
      output.warn(decision.message);
      if (decision.restart) void vscode.window.showWarningMessage(decision.message);
      else void vscode.window.showErrorMessage(decision.message);
      return { action: decision.restart ? CloseAction.Restart : CloseAction.DoNotRestart, handled: true };
    },
  };
  const docs = registerCheckDocs(vscode, context);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
    synchronize: { configurationSection: 'kyverno' },
    outputChannel: output,
    errorHandler,
    // A diagnostic's code links to its docs page as shipped in the .vsix, not to a web address.
    middleware: { handleDiagnostics: (uri, diagnostics, next) => next(uri, docs.localLinks(diagnostics)) },
  };
  client = new LanguageClient('kyverno', 'Kyverno Policy Analyzer', serverOptions, clientOptions);
  client.registerFeature(noWorkDoneProgress);

  const status = vscode.window.createStatusBarItem('kyverno.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Kyverno';
  status.command = 'kyverno.statusClicked';
  status.text = '$(sync~spin) Kyverno: starting';
  status.show();
  // The one Kyverno item in the status bar: it shows the server's progress too (see noWorkDoneProgress).
  const showStatus = ({ indexing, policies, conflicts, progress }: StatusParams) => {
    status.text = indexing ? `$(sync~spin) Kyverno: ${progress ?? 'indexing…'}` : `$(shield) Kyverno: ${policies} ${policies === 1 ? 'policy' : 'policies'} · ${conflicts} ${conflicts === 1 ? 'conflict' : 'conflicts'}`;
    status.tooltip = indexing ? 'Indexing the workspace and checking it' : 'Show the conflicts';
  };

  const running = () => (client?.isRunning() ? client : undefined);
  let lastStatus: StatusParams | undefined;
  const conflictsView = registerConflictsView(vscode, context, async () => running()?.sendRequest(CONFLICTS_REQUEST, {}), (l) => client!.protocol2CodeConverter.asLocation(l));
  registerAdmissionPreview(vscode, context, async (params) => client?.sendRequest(ADMISSION_PREVIEW_REQUEST, params), (uri) => client!.code2ProtocolConverter.asUri(uri));

  context.subscriptions.push(
    output,
    status,
    client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => {
      lastStatus = params;
      showStatus(params);
      conflictsView.statusChanged(params);
    }),
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Starting) status.text = '$(sync~spin) Kyverno: starting';
      if (newState === State.Stopped) status.text = '$(error) Kyverno: stopped';
    }),
    vscode.commands.registerCommand('kyverno.statusClicked', async () => {
      const commands = await vscode.commands.getCommands(true);
      await vscode.commands.executeCommand(commands.includes(SHOW_CONFLICTS_COMMAND) ? SHOW_CONFLICTS_COMMAND : 'workbench.actions.view.problems');
    }),
    vscode.commands.registerCommand('kyverno.reindex', async () => {
      if (!client) return;
      if (!client.isRunning()) {
        crashes = [];
        await client.start();
      }
      await client.sendRequest('workspace/executeCommand', { command: REINDEX_COMMAND, arguments: [] });
    }),
    vscode.commands.registerCommand(SHOW_RULES_COMMAND, async (uri: string, position: { line: number; character: number }, locations: unknown[]) => {
      if (!client) return;
      const p2c = client.protocol2CodeConverter;
      await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), p2c.asPosition(position), locations.map((l) => p2c.asLocation(l as never)));
    }),
  );
  // Activation does not wait for the server's handshake: the editor stays responsive meanwhile.
  client.start().catch((error: unknown) => output.error(`The Kyverno analyzer could not start: ${String(error)}`));
  return { status: () => lastStatus, conflicts: conflictsView };
}

/**
 * Declines server-initiated work-done progress: VS Code would show it as a second Kyverno item in
 * the status bar, beside the client's own, which shows the same progress from `kyverno/status`.
 * Registered after the client's own features, so it has the last word on the capability.
 */
const noWorkDoneProgress: StaticFeature = {
  fillClientCapabilities: (capabilities) => {
    if (capabilities.window) capabilities.window.workDoneProgress = false;
  },
  initialize: () => undefined,
  getState: () => ({ kind: 'static' }),
  clear: () => undefined,
};

export async function deactivate(): Promise<void> {
  await client?.stop();
}
