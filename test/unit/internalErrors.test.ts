// Caught-and-dropped engine errors reach whoever listens: the CLI's summary and --debug, the server's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectInternalErrors, onInternalError, recordInternalError } from '../../server/src/internalErrors.ts';

test('errors recorded while collecting are returned with their step and message, and none after', async () => {
  const { result, errors } = await collectInternalErrors(() => {
    recordInternalError('simulation', new Error('witness has no kind'));
    recordInternalError('autogen', 'bad annotation');
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(errors, [
    { where: 'simulation', message: 'witness has no kind' },
    { where: 'autogen', message: 'bad annotation' },
  ]);
  recordInternalError('simulation', new Error('later'));
  assert.equal(errors.length, 2);
});

test('a listener hears errors until it unsubscribes, also when the collected work throws', async () => {
  const heard: string[] = [];
  const stop = onInternalError((e) => heard.push(e.message));
  await assert.rejects(collectInternalErrors(() => {
    recordInternalError('autogen', new Error('one'));
    throw new Error('boom');
  }));
  stop();
  recordInternalError('autogen', new Error('two'));
  assert.deepEqual(heard, ['one']);
});
