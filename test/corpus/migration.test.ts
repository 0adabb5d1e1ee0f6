// The legacy -> CEL migration over Kyverno's library: the share of ClusterPolicies whose
// translation is mechanical, and the share of those the engine proves equal on their own
// kyverno-test suites' resources (same verdict for the old and the new policy on every resource).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTestFiles } from '../../server/src/engine/testRunner/index.ts';
import { loadSuite } from '../../server/src/engine/testRunner/load.ts';
import { evaluatePolicyDoc } from '../../server/src/engine/simulate.ts';
import { autogenKinds } from '../../server/src/model/autogen.ts';
import { migrateLegacyValidate } from '../../server/src/checks/policy/migrate.ts';
import { corpusRoot } from '../helpers/corpus.ts';

type Obj = Record<string, unknown>;

function verdict(policy: Obj, resource: Obj): 'pass' | 'fail' | 'skip' | undefined {
  const statuses = evaluatePolicyDoc(policy, resource, { operation: 'CREATE', namespaceLabels: {} }).rules.map((r) => r.status);
  if (statuses.some((s) => s !== 'pass' && s !== 'fail' && s !== 'skip')) return undefined;
  return statuses.includes('fail') ? 'fail' : statuses.includes('pass') ? 'pass' : 'skip';
}

test('legacy ClusterPolicies: the mechanical migrations give the same verdicts on their suites', () => {
  const root = corpusRoot();
  const seen = new Set<string>();
  let legacy = 0;
  let migratable = 0;
  let proven = 0;
  const differing: string[] = [];
  for (const path of findTestFiles(root)) {
    let suite;
    try {
      suite = loadSuite(path, root);
    } catch {
      continue; // a suite that does not load is reported by the engine-suites test
    }
    for (const policy of suite.policies) {
      if (policy.kind !== 'ClusterPolicy' || !String(policy.apiVersion).startsWith('kyverno.io/')) continue;
      const name = String((policy.metadata as Obj | undefined)?.name);
      if (seen.has(name)) continue;
      seen.add(name);
      legacy++;
      const migrated = migrateLegacyValidate(policy, autogenKinds(policy));
      if (!migrated) continue;
      migratable++;
      // ReplicationController has no CEL autogen: those resources are outside the translation.
      const resources = suite.resources.filter((r) => r.kind !== 'ReplicationController');
      const pairs = resources.map((r) => [verdict(policy, r), verdict(migrated, r)]);
      if (pairs.length > 0 && pairs.every(([a, b]) => a !== undefined && a === b) && pairs.some(([a]) => a !== 'skip')) proven++;
      else differing.push(name);
    }
  }
  console.log(`legacy ClusterPolicies with suites: ${legacy}; mechanical migration: ${migratable} (${((100 * migratable) / legacy).toFixed(1)}%); proven equal on their suites: ${proven} (${((100 * proven) / Math.max(1, migratable)).toFixed(1)}% of those)`);
  if (differing.length) console.log(`not proven: ${differing.join(', ')}`);
  // Measured 2026-11-23: 228 legacy ClusterPolicies with suites, 14 mechanical, 12 proven equal
  // (restrict-service-port-range and add-psa-namespace-reporting differ: the quick fix, which runs
  // the same proof on the workspace's objects, is not offered for them). Floors catch regressions.
  assert.ok(legacy >= 200, `found ${legacy} legacy policies with suites`);
  assert.ok(migratable >= 14, `only ${migratable} mechanical migrations`);
  assert.ok(proven >= 12, `only ${proven}/${migratable} proven equal: ${differing.join(', ')}`);
});
