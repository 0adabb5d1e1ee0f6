import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listStrategy } from '../../../server/src/k8s/patchStrategy.ts';

test('lists with a merge key merge by it, at any depth and through controllers', () => {
  assert.deepEqual(listStrategy('Pod', ['spec', 'containers']), { merge: 'name' });
  assert.deepEqual(listStrategy('Pod', ['spec', 'containers', 'name=app', 'env']), { merge: 'name' });
  assert.deepEqual(listStrategy('Deployment', ['spec', 'template', 'spec', 'initContainers', '*', 'volumeMounts']), { merge: 'mountPath' });
  assert.deepEqual(listStrategy('CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', '*', 'ports']), { merge: 'containerPort' });
  assert.deepEqual(listStrategy('Service', ['spec', 'ports']), { merge: 'port' });
});

test('lists without a patch strategy are replaced whole', () => {
  assert.equal(listStrategy('Pod', ['spec', 'containers', '*', 'envFrom']), 'replace');
  assert.equal(listStrategy('Pod', ['spec', 'containers', '*', 'command']), 'replace');
  assert.equal(listStrategy('Pod', ['spec', 'tolerations']), 'replace');
  assert.equal(listStrategy('Deployment', ['spec', 'template', 'spec', 'containers', 'name=x', 'args']), 'replace');
});

test('finalizers are a set; outside the model only known field names decide', () => {
  assert.equal(listStrategy('Pod', ['metadata', 'finalizers']), 'set');
  assert.deepEqual(listStrategy('MyCustomKind', ['spec', 'containers']), { merge: 'name' });
  assert.equal(listStrategy('MyCustomKind', ['spec', 'servers']), undefined);
  assert.equal(listStrategy('Pod', ['spec', 'containers', '*', 'image']), undefined);
});
