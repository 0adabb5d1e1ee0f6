import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the docs pages are published; one place to change when the repository moves. */
export const DOCS_BASE_URL = 'https://github.com/kyverno-analyzer/kyverno-policy-analyzer/blob/main/docs/checks/';

/** A code's page: its own (`cel/syntax.md`) when there is one, else its family's (`schema.md` for `schema/type`). */
export function docsPath(code: string, docsRoot?: string): string {
  if (docsRoot && !existsSync(join(docsRoot, `${code}.md`))) return `${code.split('/')[0]}.md`;
  return `${code}.md`;
}

export function docsUrl(code: string, docsRoot?: string): string {
  return DOCS_BASE_URL + docsPath(code, docsRoot);
}
