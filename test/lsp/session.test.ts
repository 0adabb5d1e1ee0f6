// The server's output channel: a step of a check that gave up (an internal error the analysis
// caught to go on) is logged, once per distinct message, so it never passes unseen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordInternalError } from '../../server/src/internalErrors.ts';
import { Session } from '../../server/src/lsp/session.ts';

function fakeConnection() {
  const logged: { level: string; message: string }[] = [];
  const log = (level: string) => (message: string) => logged.push({ level, message });
  const connection = { console: { info: log('info'), warn: log('warn'), error: log('error') }, sendDiagnostics: () => undefined, sendNotification: () => undefined };
  return { connection: connection as never, logged };
}

test('an internal error recorded by the analysis is logged as a warning naming the step, once per message, until the session ends', () => {
  const { connection, logged } = fakeConnection();
  const session = new Session(connection);
  try {
    recordInternalError('simulation', new Error('cannot apply patch at /spec/x'));
    recordInternalError('simulation', new Error('cannot apply patch at /spec/x'));
    recordInternalError('autogen', 'bad template');
    assert.deepEqual(logged.map((l) => l.level), ['warn', 'warn']);
    assert.match(logged[0]!.message, /^conflict simulation gave up: cannot apply patch at \/spec\/x; findings that depend on it are missing$/);
    assert.match(logged[1]!.message, /^pod-controller autogen gave up: bad template/);
  } finally {
    session.dispose();
  }
  recordInternalError('autogen', 'after the end');
  assert.equal(logged.length, 2, 'a disposed session no longer listens');
});
