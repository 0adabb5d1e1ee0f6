// Diagnostic links and "Show documentation" open the docs page shipped in the .vsix: every code the
// server links to resolves to a bundled file (its own page or its family's).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundledDocsPath, codeOfDocsUrl } from '../../../client/src/checkDocs.ts';
import { docsUrl } from '../../../server/src/checks/docs.ts';
import { allCodes } from '../../../server/src/checks/codes.ts';

const extension = process.cwd();

describe('bundled check docs', () => {
  it('a code with its own page opens it; a code without one opens its family\'s page', () => {
    assert.equal(bundledDocsPath(extension, 'cel/syntax'), 'docs/checks/cel/syntax.md');
    assert.equal(bundledDocsPath(extension, 'schema/additionalProperties'), 'docs/checks/schema.md');
    assert.equal(bundledDocsPath(extension, 'hygiene/unused-suppression'), 'docs/checks/hygiene/unused-suppression.md');
  });

  it('the address the server puts on a diagnostic names its code, and every check\'s page is bundled', () => {
    // `schema` and `cel` name families; their findings carry `schema/type`, `cel/syntax`, ….
    for (const code of allCodes().map((c) => c.replace('/*', '/type')).filter((c) => c.includes('/'))) {
      assert.equal(codeOfDocsUrl(docsUrl(code)), code);
      assert.ok(existsSync(join(extension, bundledDocsPath(extension, code))), code);
    }
    assert.equal(codeOfDocsUrl('https://kyverno.io/docs/'), undefined);
  });
});
