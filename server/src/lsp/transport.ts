// The server's side of the wire, guarded against hostile or broken input:
// - A framing error (a header without a usable Content-Length, a body that is not JSON because the
//   length was wrong, a message cut off and never completed) leaves the stream out of step for
//   good: every later message would be misread. The connection is closed instead (the process
//   exits with 1), so the client notices and restarts the server.
// - JSON-RPC 2.0 asks for an "Invalid Request" error (-32600) where vscode-jsonrpc drops a message
//   silently: a batch (LSP has none: each of its requests gets the error, with its id), an empty
//   batch, a request whose id is neither a string nor a number, anything that is not a message.
import type { Disposable, Message, MessageReader, MessageWriter, PartialMessageInfo } from 'vscode-languageserver';
import { ErrorCodes } from 'vscode-languageserver';
import { isObj } from '../k8s/objects.ts';

/**
 * Document messages received from the wire and taken up by a handler. Messages wait in
 * vscode-jsonrpc's queue, which hands out one per turn of the event loop: background work checks
 * `waiting` and steps aside until the editor's documents are in (see indexer.ts).
 */
export class Inbox {
  received = 0;
  handled = 0;

  get waiting(): boolean {
    return this.received > this.handled;
  }

  /** Whether a message counts: the editor's documents and the requests on them. */
  static counts(method: unknown): boolean {
    return typeof method === 'string' && method.startsWith('textDocument/');
  }
}

/** Mid-message with no new byte for this long: the Content-Length promised more than was sent. */
export const PARTIAL_MESSAGE_TIMEOUT_MS = 3000;

interface ErrorResponse {
  jsonrpc: '2.0';
  id: string | number | null;
  error: { code: number; message: string };
}

const validId = (id: unknown): id is string | number => typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
const invalid = (id: string | number | null, message: string): ErrorResponse => ({ jsonrpc: '2.0', id, error: { code: ErrorCodes.InvalidRequest, message } });

/**
 * What to answer instead of passing a message on: undefined when the message is well-formed (the
 * connection handles it), else the error response(s) the JSON-RPC spec asks for (possibly none:
 * a batch of notifications only).
 */
export function rejection(message: unknown): ErrorResponse | ErrorResponse[] | null | undefined {
  if (Array.isArray(message)) {
    if (message.length === 0) return invalid(null, 'Invalid Request: an empty batch');
    const answers = message.flatMap((item): ErrorResponse[] => {
      if (isObj(item) && typeof item.method === 'string' && item.id === undefined) return []; // a notification is never answered
      const id = isObj(item) && validId(item.id) ? item.id : null;
      return [invalid(id, 'Invalid Request: batches are not supported by the Language Server Protocol')];
    });
    return answers.length ? answers : null;
  }
  if (!isObj(message)) return invalid(null, 'Invalid Request: a message must be a JSON object');
  if (typeof message.method === 'string') {
    return message.id === undefined || validId(message.id) ? undefined : invalid(null, 'Invalid Request: an id must be a string or a number');
  }
  if ('method' in message) return invalid(validId(message.id) ? message.id : null, 'Invalid Request: method must be a string');
  const isResponse = (message.result !== undefined || message.error !== undefined) && (validId(message.id) || message.id === null);
  return isResponse ? undefined : invalid(validId(message.id) ? message.id : null, 'Invalid Request: neither a request, a notification nor a response');
}

/**
 * Wraps the transport's reader: malformed messages are answered here and not passed on, and a
 * framing error calls `fatal` (after answering a body that is not JSON with a Parse error). With
 * `bytesSeen` (a byte stream), a message left incomplete is a framing error too.
 */
export function guardedReader(reader: MessageReader, writer: MessageWriter, fatal: (reason: string) => void, bytesSeen?: () => number, inbox?: Inbox): MessageReader {
  const send = (response: ErrorResponse | ErrorResponse[]) => writer.write(response as unknown as Message).catch(() => undefined);
  reader.onError((error) => {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof SyntaxError) void send({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: `Parse error: ${reason}` } }).finally(() => fatal(`a message body is not JSON (${reason})`));
    else fatal(reason);
  });
  if (bytesSeen && 'partialMessageTimeout' in reader) {
    (reader as { partialMessageTimeout: number }).partialMessageTimeout = PARTIAL_MESSAGE_TIMEOUT_MS;
    reader.onPartialMessage((info) => stalledCheck(bytesSeen, info, fatal));
  }
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback): Disposable =>
      reader.listen((message) => {
        const answer = rejection(message);
        if (answer === undefined) {
          if (inbox && Inbox.counts((message as { method?: unknown }).method)) inbox.received++;
          callback(message);
        }
        else if (answer !== null) void send(answer);
      }),
    dispose: () => reader.dispose(),
  };
}

/**
 * The reader's timer says no byte came for a while in the middle of a message. A timer can fire
 * late, after the event loop was busy while bytes were waiting, so look again after one more turn
 * of I/O: if still no byte arrived, the Content-Length promised more than was sent.
 */
function stalledCheck(bytesSeen: () => number, info: PartialMessageInfo, fatal: (reason: string) => void): void {
  const before = bytesSeen();
  setImmediate(() => setImmediate(() => {
    if (bytesSeen() === before) fatal(`a message stopped short of its Content-Length ${info.waitingTime} ms ago`);
  }));
}
