// The status item shows the background pass's phase: a status is sent at most every 250 ms while a
// phase moves, but a new phase is told at once, so a short checking phase still shows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../../server/src/lsp/progress.ts';
import type { Session } from '../../../server/src/lsp/session.ts';

function fakeSession() {
  const statuses: string[] = [];
  const reporter = { begin() {}, report() {}, done() {}, token: { isCancellationRequested: false } };
  const session = {
    connection: {
      window: { createWorkDoneProgress: async () => reporter },
      sendNotification: (_method: string, params: { progress?: string }) => statuses.push(params.progress ?? ''),
    },
    status: () => ({ indexing: true, policies: 0, conflicts: 0 }),
  };
  return { session: session as unknown as Session, statuses };
}

describe('Progress', () => {
  it('when reports come faster than the status interval, then only the first of each phase is sent, and every phase is', async () => {
    const { session, statuses } = fakeSession();
    const progress = await Progress.start(session, 'Kyverno', 'discovering files');
    progress.report(10, 'indexing 1/3 files');
    progress.report(20, 'indexing 2/3 files');
    progress.report(30, 'indexing 3/3 files');
    progress.report(90, 'checking conflict/mutation-overwrite (1/2)');
    progress.report(95, 'checking cronjob/blocked-by-policy (2/2)');
    progress.done();
    assert.deepEqual(statuses, ['discovering files', 'indexing 1/3 files', 'checking conflict/mutation-overwrite (1/2)']);
  });
});
