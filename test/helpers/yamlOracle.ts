// The oracle the shortcut YAML readers (fastValues.ts, lineValues.ts) are tested against: what the
// `yaml` library makes of a text, and the property that a reader which answers agrees with it.
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';

/** What the library makes of the text: documents' values, ranges and whether any has an error. */
export function library(text: string) {
  const stream = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const docs = Array.isArray(stream) ? stream : [];
  return {
    errors: docs.some((d) => d.errors.length > 0),
    documents: docs.map((d) => ({ value: d.errors.length ? undefined : d.toJS({ maxAliasCount: 100 }), span: { start: d.range[0], end: d.range[2] } })),
  };
}

/** Whether `read` answered; when it does, the library must agree on every document and report no error. */
export function agreesWithLibrary(read: (text: string) => unknown, text: string, reader: string): boolean {
  const answer = read(text);
  if (!answer) return false;
  const expected = library(text);
  assert.equal(expected.errors, false, `${reader} accepted a stream the library rejects:\n${text}`);
  assert.deepStrictEqual(answer, expected.documents, `values or ranges differ for:\n${text}`);
  return true;
}
