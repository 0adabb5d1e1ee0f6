// Zero false CEL findings on Kyverno's own policy library: every CEL site there is checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { classify } from '../../../server/src/model/classify.ts';
import { extractCelSites } from '../../../server/src/cel/extract.ts';
import { checkCel, type CelProblem } from '../../../server/src/cel/check.ts';
import { objectKindsForSite, kubernetesTypes } from '../../../server/src/cel/kinds.ts';

const root = process.env.KYVERNO_CORPUS ?? new URL('../../../../shared/corpus/kyverno-policies', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // Chainsaw folders hold partial policies used as assertions, not policies.
      if (e.name !== '.chainsaw-test' && e.name !== '.git' && e.name !== 'node_modules') out.push(...yamlFiles(p));
    } else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

test('every CEL expression in the Kyverno policy corpus checks clean, with object typed from the matched kinds', (t) => {
  assert.ok(fs.existsSync(root), `corpus not found at ${root} (set KYVERNO_CORPUS)`);
  const files = yamlFiles(root);
  assert.ok(files.length > 100, `expected the Kyverno policy library under ${root}, found ${files.length} YAML files`);
  let sites = 0;
  let typed = 0;
  const hits: string[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length) continue;
      const value = doc.toJS({ maxAliasCount: 100 });
      const cls = classify(value);
      if (!cls) continue;
      for (const site of extractCelSites(cls, value)) {
        sites++;
        const objectKinds = objectKindsForSite(cls, value, site);
        if (objectKinds.length) typed++;
        const problems: CelProblem[] = checkCel(site, { objectKinds, types: kubernetesTypes });
        for (const p of problems) {
          hits.push(`${path.relative(root, file)} ${site.path.join('.')}: ${p.code} ${p.message} @${p.start} ${JSON.stringify(site.expression.slice(p.start, p.end + 20))}`);
        }
      }
    }
  }
  t.diagnostic(`${files.length} files, ${sites} CEL sites, ${typed} with object typed from matched kinds`);
  assert.ok(sites > 600, `expected the corpus's ~700 CEL sites, found ${sites}`);
  assert.deepEqual(hits, []);
});
