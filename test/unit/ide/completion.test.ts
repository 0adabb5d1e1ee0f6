// Completion after a key: the values come at once (the key asks the editor to suggest again) and
// the value that applies when the key is left out comes first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { completeAt } from '../../../server/src/ide/completion.ts';

const items = (text: string) => completeAt(text.replace('|', ''), text.indexOf('|'))?.items ?? [];
const vpol = 'apiVersion: policies.kyverno.io/v1alpha1\nkind: ValidatingPolicy\nmetadata:\n  name: x\n';
const cpol = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\n';

describe('value completion', () => {
  it('lists the default first and says so: Fail before Ignore', () => {
    const got = items(`${vpol}spec:\n  failurePolicy: |\n`);
    assert.deepEqual(got.map((i) => [i.label, i.detail]), [['Fail', 'default'], ['Ignore', undefined]]);
    assert.deepEqual(items(`${cpol}spec:\n  failurePolicy: |\n`).map((i) => i.label), ['Fail', 'Ignore']);
  });

  it('uses the schema default where there is one', () => {
    assert.equal(items(`${cpol}spec:\n  validationFailureAction: |\n`)[0]?.label, 'Audit');
  });

  it('a key with known values asks for them once inserted; a key of an object does not', () => {
    const keys = items(`${vpol}spec:\n  |\n`);
    assert.equal(keys.find((i) => i.label === 'failurePolicy')?.suggestValues, true);
    assert.equal(keys.find((i) => i.label === 'validations')?.suggestValues, undefined);
  });
});
