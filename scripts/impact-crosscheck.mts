// Cross-check of `kyverno-analyzer impact` against the expected results of `kyverno test` suites:
// for each suite, impact over the suite's policies with its resources (--resources), compared with
// what the suite expects of each (validating policy, resource) pair: fail when some entry of the
// policy expects fail, pass when every entry expects pass (skip, warn and error entries are left out).
//   node --import tsx scripts/impact-crosscheck.mts [corpus dir] [--list]
// Prints the agreement overall, for suites without values/userinfo files (impact reads neither: it
// answers for the cluster as the workspace describes it), and with denials through the Pods a
// controller creates counted or not (kyverno test judges the object alone).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runImpactCommand } from '../server/src/cli/impact.ts';
import { findTestFiles } from '../server/src/engine/testRunner/discover.ts';
import { parseTest } from '../server/src/engine/testRunner/model.ts';

const args = process.argv.slice(2);
const root = resolve(args.find((a) => !a.startsWith('--')) ?? '/work/shared/corpus/kyverno-policies');
const list = args.includes('--list');

interface Tally { pairs: number; agree: number; direct: number }
const tally = (): Tally => ({ pairs: 0, agree: 0, direct: 0 });
const all = tally();
const plain = tally();
const disagreements: string[] = [];
let suites = 0;
let skippedSuites = 0;
let partial = 0;

for (const testFile of findTestFiles(root)) {
  const dir = dirname(testFile);
  let spec;
  try {
    const doc = parseAllDocuments(readFileSync(testFile, 'utf8'))[0]?.toJS();
    spec = parseTest(doc);
  } catch {
    skippedSuites++;
    continue;
  }
  const local = (paths: string[]) => paths.filter((p) => !/^https?:/.test(p)).map((p) => join(dir, p));
  const policies = local(spec.policies);
  const resources = local(spec.resources);
  if (!policies.length || !resources.length) {
    skippedSuites++;
    continue;
  }
  let stdout = '';
  const code = await runImpactCommand([...policies, '--resources', ...resources, '--format', 'json', '--fail-on', 'never'], { cwd: dir, stdout: (s) => (stdout += s), stderr: () => {} });
  if (code !== 0) {
    skippedSuites++;
    continue;
  }
  suites++;
  const report = JSON.parse(stdout) as { policies: { policy: string; denied: { kind: string; name: string; message: string }[] }[] };
  const withValues = Boolean(spec.variables || spec.userinfo || spec.values);
  // The validate rules of each legacy policy: a resource is expected to pass the policy only when the
  // suite says pass for every one of them (an entry speaks for its rule only). CEL policies are one rule.
  const validateRules = new Map<string, string[]>();
  for (const file of policies) {
    try {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const value = doc.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { rules?: { name?: string; validate?: unknown; verifyImages?: unknown }[] } } | null;
        const rules = value?.spec?.rules;
        if (value?.metadata?.name && Array.isArray(rules)) validateRules.set(value.metadata.name, rules.filter((r) => r && (r.validate || r.verifyImages)).map((r) => String(r.name)));
      }
    } catch {
      // unreadable policies are simply not constrained
    }
  }
  // (policy, kind, name) -> expected: fail when an entry expects fail, pass when every validate rule is expected to pass.
  const fails = new Set<string>();
  const passes = new Map<string, Set<string>>();
  for (const entry of spec.results) {
    if (entry.result !== 'pass' && entry.result !== 'fail') continue;
    const policy = entry.policy.split('/').pop()!;
    if (!report.policies.some((p) => p.policy === policy)) continue;
    for (const resource of entry.resources) {
      const key = `${policy}\0${entry.kind}\0${resource.split('/').pop()}`;
      if (entry.result === 'fail') fails.add(key);
      else (passes.get(key) ?? passes.set(key, new Set()).get(key)!).add(entry.rule.replace(/^autogen-(?:cronjob-)?/, ''));
    }
  }
  const expected = new Map<string, 'pass' | 'fail'>();
  for (const key of fails) expected.set(key, 'fail');
  for (const [key, rules] of passes) {
    if (fails.has(key)) continue;
    const all = validateRules.get(key.split('\0')[0]!);
    if (!all || all.every((r) => rules.has(r))) expected.set(key, 'pass');
    else partial++;
  }
  for (const [key, want] of expected) {
    const [policy, kind, name] = key.split('\0');
    const denials = report.policies.find((p) => p.policy === policy)!.denied.filter((d) => d.name === name && (!kind || d.kind === kind));
    const any = denials.length > 0;
    const direct = denials.some((d) => !d.message.startsWith('the '));
    for (const t of withValues ? [all] : [all, plain]) {
      t.pairs++;
      if ((want === 'fail') === any) t.agree++;
      if ((want === 'fail') === direct) t.direct++;
    }
    if ((want === 'fail') !== direct) disagreements.push(`${testFile.slice(root.length + 1)}: ${policy} ${kind}/${name} expected ${want}, impact ${direct ? 'denies' : any ? 'denies only through its Pods' : 'admits'}${withValues ? ' (suite has values/userinfo)' : ''}`);
  }
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
console.log(`suites compared: ${suites} (skipped: ${skippedSuites}, remote or missing policies/resources, or impact exit 2)`);
console.log(`(policy, resource) pairs with a pass/fail expectation: ${all.pairs} (left out: ${partial} expected to pass some of their policy's validate rules, with nothing said of the others)`);
console.log(`agreement, the object itself: ${all.direct}/${all.pairs} = ${pct(all.direct, all.pairs)}; counting its controllers' Pods: ${all.agree}/${all.pairs} = ${pct(all.agree, all.pairs)}`);
console.log(`suites without values/userinfo: ${plain.direct}/${plain.pairs} = ${pct(plain.direct, plain.pairs)} (with Pods: ${pct(plain.agree, plain.pairs)})`);
if (list) for (const line of disagreements) console.log(line);
