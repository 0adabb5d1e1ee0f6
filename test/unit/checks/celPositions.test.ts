// cel/syntax findings land on the exact character inside every scalar style, not on the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../server/src/workspace/index.ts';
import { runDocumentChecks } from '../../../server/src/checks/run.ts';
import { celCheck } from '../../../server/src/checks/cel/cel.ts';

function policy(expressionYaml: string, eol = '\n'): string {
  return [
    'apiVersion: policies.kyverno.io/v1',
    'kind: ValidatingPolicy',
    'metadata:',
    '  name: p',
    'spec:',
    '  matchConstraints:',
    '    resourceRules:',
    '      - apiGroups: [""]',
    '        apiVersions: [v1]',
    '        operations: [CREATE]',
    '        resources: [pods]',
    '  validations:',
    `    - expression: ${expressionYaml}`,
    '',
  ].join(eol);
}

function celFindings(text: string) {
  const index = new WorkspaceIndex();
  const { indexed } = index.setFile('/w/p.yaml', text);
  return runDocumentChecks(indexed, [celCheck], index.config).filter((f) => f.code.startsWith('cel/'));
}

const cases: [string, string, string][] = [
  ['literal block', "|\n        object.spec.containers.all(c,\n          c.image.startsWith('x') &&\n        )", ')'],
  // An expression that ends too early is reported just past its last character, as cel-go does.
  ['literal block, strip, explicit indentation', "|-2\n          object.metadata.name\n          ==", 'END'],
  ['folded block', ">\n        object.metadata.name.size() < 64 &&\n        object.metadata.name.startsWith('a') ||| true", '|'],
  ['double-quoted with escapes', '"object.metadata.labels[\\"app\\"] == \'x\' &&"', '"'],
  ['single-quoted with doubled quote', "'object.metadata.name == ''a'' ||| true'", '|'],
  ['plain scalar', 'object..metadata', '.'],
];

for (const [style, yaml, expectedChar] of cases) {
  test(`cel/syntax inside a ${style} points at the offending character`, () => {
    for (const eol of ['\n', '\r\n']) {
      const text = policy(yaml.replace(/\n/g, eol), eol);
      const [finding] = celFindings(text);
      assert.equal(finding?.code, 'cel/syntax', `${style} (${JSON.stringify(eol)}): ${finding?.message}`);
      const at = text.slice(finding.span.start, finding.span.start + expectedChar.length);
      const line = text.slice(0, finding.span.start).split(/\r?\n/).length;
      assert.ok(line > 13 || !yaml.startsWith('|') && !yaml.startsWith('>'), `on the expression's lines, not the key (line ${line})`);
      if (expectedChar === 'END') assert.equal(text.slice(finding.span.start - 2, finding.span.start), '==');
      else if (expectedChar !== '"') assert.equal(at, expectedChar, `${style}: points at ${JSON.stringify(text.slice(finding.span.start - 5, finding.span.start + 5))}`);
      else assert.ok(finding.span.start >= text.indexOf('&&"'), 'at or after the end of the expression');
    }
  });
}
