// Every complete Kyverno document of Kyverno's own policy library validates against the generated
// schemas, except the few that really are invalid per the CRDs, listed below with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { validateAgainstSchema, type SchemaProblem } from '../../../server/src/schema/validate.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, process.env.KYVERNO_CORPUS ?? '../shared/corpus/kyverno-policies');
const GROUPS = new Set(['kyverno.io', 'policies.kyverno.io', 'cli.kyverno.io']);

interface KnownInvalid {
  reason: string;
  /** Every problem in the file must match; at least one must be reported. */
  expect: (p: SchemaProblem) => boolean;
  /** A problem that must be among those reported. */
  mustInclude?: (p: SchemaProblem) => boolean;
}

const contextImagesRequired: KnownInvalid = {
  reason: 'cli.kyverno.io Context: the CRD requires registry, repository and resolvedImage on every spec.images[] entry; these give only image (+manifest)',
  expect: (p) => p.code === 'schema/required' && p.path[0] === 'spec' && p.path[1] === 'images',
};

const KNOWN_INVALID: Record<string, KnownInvalid> = {
  'cost-optimization/schedule-based-quotas/schedule-based-quotas.yaml': {
    reason: 'context `variable` given as a plain string (the CRD says object), and a configMap `key` the CRD does not have',
    expect: (p) => p.code === 'schema/type' || (p.code === 'schema/additionalProperties' && p.path.at(-1) === 'key'),
    mustInclude: (p) =>
      p.code === 'schema/type' && p.target === 'value' &&
      JSON.stringify(p.path) === JSON.stringify(['spec', 'rules', 0, 'context', 1, 'variable']) &&
      /must be an object, not a string/.test(p.message),
  },
  'best-practices-mpol/add-safe-to-evict/.kyverno-test/kyverno-test.yaml': {
    reason: 'cli.kyverno.io Test: results[].isMUtatingPolicy is a typo of isMutatingPolicy, unknown to the CRD (so the flag is ignored)',
    expect: (p) => p.code === 'schema/additionalProperties' && p.path.at(-1) === 'isMUtatingPolicy',
  },
  'other-vpol/allowed-base-images/.kyverno-test/context.yaml': contextImagesRequired,
  'other-vpol/block-images-with-volumes/.kyverno-test/context.yaml': contextImagesRequired,
  'other-vpol/block-stale-images/.kyverno-test/context.yaml': contextImagesRequired,
  'other-vpol/check-nvidia-gpu/.kyverno-test/context.yaml': contextImagesRequired,
};

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/**
 * Chainsaw end-to-end folders hold partial policies used as assertions; a folder renamed
 * `.chainsaw-test-rename-after-…` (flux-cel/verify-git-repositories) is one too.
 */
const isChainsaw = (rel: string) => rel.split('/').some((segment) => segment.startsWith('.chainsaw-test'));

test('the corpus validates, except the documents known to be invalid per the CRDs', () => {
  assert.ok(existsSync(corpus), `corpus folder not found: ${corpus} (set KYVERNO_CORPUS to Kyverno's policy library checkout)`);
  const files = yamlFiles(corpus);
  assert.ok(files.length > 1000, `expected the policy library's thousands of YAML files under ${corpus}, found ${files.length}`);

  const problemsByFile = new Map<string, SchemaProblem[]>();
  let validated = 0;
  let validationMs = 0;
  for (const file of files) {
    const rel = relative(corpus, file).split('\\').join('/');
    if (isChainsaw(rel)) continue;
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS({ maxAliasCount: 100 }) as { apiVersion?: unknown; kind?: unknown } | null;
      if (!value || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') continue;
      const slash = value.apiVersion.lastIndexOf('/');
      if (slash < 0) continue;
      const group = value.apiVersion.slice(0, slash);
      if (!GROUPS.has(group)) continue;
      validated++;
      const start = performance.now();
      const problems = validateAgainstSchema(group, value.kind, value.apiVersion.slice(slash + 1), value);
      validationMs += performance.now() - start;
      if (problems.length) problemsByFile.set(rel, [...(problemsByFile.get(rel) ?? []), ...problems]);
    }
  }
  assert.ok(validated > 1000, `expected over a thousand Kyverno documents, validated ${validated}`);

  const unexpected: string[] = [];
  for (const [rel, problems] of problemsByFile) {
    const known = KNOWN_INVALID[rel];
    for (const p of problems) if (!known?.expect(p)) unexpected.push(`${rel}: ${p.code} ${p.message}`);
  }
  assert.deepEqual(unexpected, [], 'schema problems on documents that should be valid');

  for (const [rel, known] of Object.entries(KNOWN_INVALID)) {
    const problems = problemsByFile.get(rel) ?? [];
    assert.ok(problems.length > 0, `${rel} is listed as invalid (${known.reason}) but nothing was reported`);
    if (known.mustInclude) assert.ok(problems.some(known.mustInclude), `${rel}: the expected problem is missing; got ${JSON.stringify(problems)}`);
  }
  // A measurement for the record, not an assertion (timing is not a test).
  console.log(`# corpus: ${validated} Kyverno documents validated in ${validationMs.toFixed(0)} ms (schema compiles included)`);
});
