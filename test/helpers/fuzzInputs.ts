// Input generators shared by the short fuzz run in the test suite and the long one in test/fuzz/.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';

/** Seeds: real policies of both families and manifests; mutations of them reach deep code paths. */
export const seeds: string[] = [
  'test/fixtures/schema/valid-policies.yaml',
  'test/fixtures/cel/valid-expressions.yaml',
  'test/fixtures/cel/block-scalar-syntax.yaml',
  'examples/basics/require-labels.yaml',
].map((p) => readFileSync(p, 'utf8'));

const yamlTokens = ['\n', '  ', '- ', ': ', '---\n', '{', '}', '[', ']', '&a ', '*a', '|', '>-', '"', "'", '#', '? ', '!!str ', '\t', '\r\n', '\ufeff', '{{ request.object }}', '(name): "*"', '+(x): 1', 'expression: "', 'object.spec.', '.all(c, ', ')'];

/** A seed with random slices deleted, duplicated or replaced by YAML/CEL-significant tokens. */
export const mutatedDocument = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...yamlTokens), fc.nat({ max: 2 })), { maxLength: 8 }))
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, length, token, kind] of edits) {
      const start = at % (text.length + 1);
      if (kind === 0) text = text.slice(0, start) + text.slice(start + length);
      else if (kind === 1) text = text.slice(0, start) + token + text.slice(start);
      else text = text.slice(0, start) + text.slice(start, start + length).repeat(2) + text.slice(start + length);
    }
    return text;
  });

export const anyText = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }), mutatedDocument);
