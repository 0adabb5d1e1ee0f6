// Scaffolds a check (Regal's `regal new rule`): the module, its line in the registry, a docs page
// and two fixtures, one that fires and one that must not. The generated check fires on a
// placeholder label so that the meta-test and the fixture suite pass at once; replace its
// detection, message, docs and fixtures with the real ones. A `conflict/<id>` check is a
// workspace check whose module also owns its conflict finder (`Check.conflicts`): nothing else
// is registered anywhere.
//   npm run new-check <family>/<id> [-- --root <dir>] [-- --dry-run]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const dryRun = argv.includes('--dry-run');
const rootAt = argv.indexOf('--root');
const root = resolve(rootAt >= 0 ? argv[rootAt + 1] : '.');
const id = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--root');

function fail(message) {
  console.error(`new-check: ${message}`);
  process.exit(2);
}

if (!id || !/^[a-z][a-z0-9]*\/[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) fail('usage: npm run new-check <family>/<id>, lowercase words joined by dashes (e.g. cronjob/suspend-forever)');
const [family, name] = id.split('/');
const camel = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const symbol = `${camel}Check`;
const label = `scaffold.kyverno-analyzer.io/${name}`;
const message = `TODO: say what is wrong, why it matters and what to do (${id}).`;

const paths = {
  module: join('server', 'src', 'checks', family, `${camel}.ts`),
  registry: join('server', 'src', 'checks', 'registry.ts'),
  docs: join('docs', 'checks', family, `${name}.md`),
  fires: join('test', 'fixtures', family, name, 'fires.yaml'),
  quiet: join('test', 'fixtures', family, name, 'quiet.yaml'),
};
for (const key of ['module', 'docs', 'fires', 'quiet']) if (existsSync(join(root, paths[key]))) fail(`${paths[key]} already exists`);

const documentModule = `import type { Check } from '../types.ts';
import { asObj } from '../../k8s/objects.ts';

// TODO: the placeholder detection below makes the generated fixtures pass; replace it.
const PLACEHOLDER_LABEL = '${label}';

/** TODO: what this check finds, in one sentence. */
export const ${symbol}: Check = {
  id: '${id}',
  title: 'TODO: one-line title',
  severity: 'warning',
  checkDocument(ctx) {
    const labels = asObj(asObj(asObj(ctx.document.yaml.value)?.metadata)?.labels);
    if (labels?.[PLACEHOLDER_LABEL] !== 'fire') return;
    ctx.report({ file: ctx.file.file, span: ctx.spanOf(['metadata', 'labels', PLACEHOLDER_LABEL], 'value') }, '${message}');
  },
};
`;

const conflictModule = `import type { Check } from '../types.ts';
import type { Conflict, ConflictJoin } from '../../conflicts/index.ts';
import { factsOf, type RuleRef } from '../../conflicts/facts.ts';
import { pairKey } from '../../conflicts/join.ts';
import { reportConflicts } from './report.ts';
import { asObj } from '../../k8s/objects.ts';

const ID = '${id}';
// TODO: the placeholder finder below pairs every two policies carrying this label, so that the
// generated fixtures pass; replace it. A real finder pairs rules only inside the join's buckets
// (by kind and field: join.writesOfKind, join.requirementsAlong, ...), never all rules with all.
const PLACEHOLDER_LABEL = '${label}';

function labelled(join: ConflictJoin): RuleRef[] {
  const owners: RuleRef[] = [];
  for (const policy of join.index.policies()) {
    const rule = policy.rules[0];
    if (rule && asObj(asObj(policy.raw.metadata)?.labels)?.[PLACEHOLDER_LABEL] === 'fire') owners.push(factsOf(policy, rule).ref);
  }
  return owners;
}

/** TODO: which two rules conflict, in one sentence. */
function find${camel[0].toUpperCase()}${camel.slice(1)}(join: ConflictJoin, out: (c: Conflict) => void): void {
  const owners = labelled(join);
  for (let i = 0; i < owners.length; i++) {
    for (let j = i + 1; j < owners.length; j++) {
      const [a, b] = [owners[i], owners[j]];
      const side = (owner: RuleRef) => ({ owner, at: { ...owner.policy.source, path: ['metadata', 'labels', PLACEHOLDER_LABEL] }, note: \`\${owner.policy.name} carries the placeholder label\` });
      out({ check: ID, severity: 'warning', kind: '*', field: 'metadata.labels', sides: [side(a), side(b)], message: '${message}', key: pairKey(ID, a, b) });
    }
  }
}

/** TODO: what this check finds, in one sentence. */
export const ${symbol}: Check = {
  id: ID,
  title: 'TODO: one-line title',
  severity: 'warning',
  // 'facts': decided from the join's facts; 'orders' / 'effects' finders simulate on the engine what the facts did not explain.
  conflicts: [{ stage: 'facts', find: find${camel[0].toUpperCase()}${camel.slice(1)} }],
  checkWorkspace(ctx) {
    reportConflicts(ctx, ID);
  },
};
`;

const conflict = family === 'conflict';
const module = conflict ? conflictModule : documentModule;

const docs = `# ${id}

TODO: one paragraph: what the check finds.

## Why
TODO: what goes wrong in the cluster, and when.

## Example
\`\`\`yaml
metadata:
  labels:
    ${label}: fire
\`\`\`${conflict ? '\n\nTwo policies with this label conflict.' : ''}

## Fix
TODO: what to write instead.

## Configuration
\`checks: {${id}: off}\` silences it; \`error\`, \`warning\`, \`info\` or \`hint\` sets its level.
`;

const annotation = (line, value) => `#${' '.repeat(line.indexOf(value) - 1)}${'^'.repeat(value.length)} warning: ${id}: TODO: say what is wrong`;

function documentFixture(fires) {
  const labelLine = `    ${label}: ${fires ? 'fire' : 'quiet'}`;
  const lines = [
    `# fixture-checks: ${id}`,
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${fires ? 'fires' : 'quiet'}`,
    '  labels:',
    labelLine,
  ];
  // The annotation form of test/helpers/fixtures.ts: carets under the span, severity, code, a message fragment.
  if (fires) lines.push(annotation(labelLine, 'fire'));
  lines.push('data: {}', '');
  return lines.join('\n');
}

/** Two policies in one file: a conflict check reports on each rule of a pair, at its policy's name. */
function conflictFixture(fires) {
  const policy = (n) => {
    const nameLine = `  name: ${fires ? 'fires' : 'quiet'}-${n}`;
    return [
      'apiVersion: kyverno.io/v1',
      'kind: ClusterPolicy',
      'metadata:',
      nameLine,
      ...(fires ? [annotation(nameLine, nameLine.slice('  name: '.length))] : []),
      '  labels:',
      `    ${label}: ${fires ? 'fire' : 'quiet'}`,
      'spec:',
      '  rules:',
      '    - name: require-team',
      '      match:',
      '        any:',
      '          - resources:',
      '              kinds: [ConfigMap]',
      '      validate:',
      '        message: a team label is required',
      '        pattern:',
      '          metadata:',
      '            labels:',
      "              team: '?*'",
    ];
  };
  return [`# fixture-checks: ${id}`, ...policy('a'), '---', ...policy('b'), ''].join('\n');
}

const fixture = conflict ? conflictFixture : documentFixture;

function withRegistryLine(text) {
  const importLine = `import { ${symbol} } from './${family}/${camel}.ts';`;
  const lines = text.split('\n');
  let lastImport = -1;
  lines.forEach((l, i) => {
    if (l.startsWith('import ')) lastImport = i;
  });
  const close = lines.findIndex((l, i) => i > lastImport && l.startsWith('];'));
  if (lastImport < 0 || close < 0) fail(`cannot find the imports and the end of allChecks in ${paths.registry}`);
  lines.splice(close, 0, `  ${symbol},`);
  lines.splice(lastImport + 1, 0, importLine);
  return lines.join('\n');
}

const writes = [
  [paths.module, module],
  [paths.registry, withRegistryLine(readFileSync(join(root, paths.registry), 'utf8'))],
  [paths.docs, docs],
  [paths.fires, fixture(true)],
  [paths.quiet, fixture(false)],
];
for (const [path, text] of writes) {
  if (dryRun) {
    console.log(`--- ${path}\n${path === paths.registry ? text.split('\n').filter((l) => l.includes(symbol)).join('\n') : text}`);
    continue;
  }
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
if (!dryRun) console.log(`\nNext: replace the TODOs and the placeholder detection, then run\n  node --import tsx --test test/unit/meta.test.ts test/unit/fixtures.test.ts`);
