// The language server: creates the one session and wires each LSP message to its handler
// (handlers/workspace.ts, documents.ts, requests.ts). Nothing is analysed or decided here.
import type { Connection } from 'vscode-languageserver';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import { UsageError, type CliIo } from '../cli/io.ts';
import * as documents from './handlers/documents.ts';
import * as requests from './handlers/requests.ts';
import * as workspace from './handlers/workspace.ts';
import { ADMISSION_PREVIEW_REQUEST, CONFLICTS_REQUEST } from './protocol.ts';
import { Session } from './session.ts';
import { guardedReader, Inbox } from './transport.ts';

export async function runLanguageServer(args: string[], _io: CliIo): Promise<number> {
  let reader: MessageReader;
  let writer: MessageWriter;
  let bytesSeen: (() => number) | undefined;
  if (args.includes('--node-ipc')) {
    if (!process.send) throw new UsageError('--node-ipc needs a parent process with an IPC channel');
    [reader, writer] = [new IPCMessageReader(process), new IPCMessageWriter(process)];
  } else if (args.includes('--stdio')) {
    [reader, writer] = [new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)];
    let bytes = 0;
    process.stdin.on('data', (chunk: Buffer) => (bytes += chunk.length));
    bytesSeen = () => bytes;
  } else {
    throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
  }
  const closeConnection = (reason: string) => {
    // The stream is out of step: answering on would misread every later message. Exiting lets the client restart us.
    process.stderr.write(`kyverno-analyzer: closing the connection: ${reason}\n`);
    process.exit(1);
  };
  const inbox = new Inbox();
  const connection = createConnection(ProposedFeatures.all, guardedReader(reader, writer, closeConnection, bytesSeen, inbox), writer);
  startServer(connection, inbox);
  connection.listen();
  // The connection owns the process from here: `exit` ends it (0 after shutdown, 1 otherwise).
  return new Promise<number>(() => {});
}

export function startServer(connection: Connection, inbox = new Inbox()): Session {
  const session = new Session(connection, inbox);
  // Every textDocument/* handler is counted as it takes its message (Inbox.counts).
  const taken = <P, R>(handler: (session: Session, params: P) => R) => (params: P): R => {
    inbox.handled++;
    return handler(session, params);
  };
  connection.onInitialize((params) => workspace.initialize(session, params));
  connection.onInitialized(() => workspace.initialized(session));
  connection.onDidChangeConfiguration((params) => workspace.didChangeConfiguration(session, params));
  connection.onExecuteCommand((params) => workspace.executeCommand(session, params));

  connection.onDidOpenTextDocument(taken(documents.didOpen));
  connection.onDidChangeTextDocument(taken(documents.didChange));
  connection.onDidCloseTextDocument(taken(documents.didClose));
  connection.onDidChangeWatchedFiles((params) => documents.didChangeWatchedFiles(session, params));

  connection.onHover(taken(requests.hover));
  connection.onCompletion(taken(requests.completion));
  connection.onCodeAction(taken(requests.codeAction));
  connection.onCodeLens(taken(requests.codeLens));
  connection.onCodeLensResolve((lens) => requests.codeLensResolve(session, lens));
  connection.onDocumentSymbol(taken(requests.documentSymbol));
  connection.onWorkspaceSymbol((params, token) => requests.workspaceSymbol(session, params, token));
  connection.onRequest(CONFLICTS_REQUEST, () => requests.conflicts(session));
  connection.onRequest(ADMISSION_PREVIEW_REQUEST, (params) => requests.admissionPreview(session, params));

  connection.onShutdown(() => session.dispose());
  return session;
}
