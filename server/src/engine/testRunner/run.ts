// Runs kyverno-test.yaml suites as `kyverno test` does: every listed policy on every listed
// resource, then each expected result x each resource it names compared once.
import type { AdmissionContext, Operation, PolicyEvaluator, PolicyResult, RuleResult } from '../types.ts';
import { evaluatePolicyDoc, familyOf } from '../simulate.ts';
import { findTestFiles } from './discover.ts';
import { SuiteError, loadDocuments, resolveConfined } from './files.ts';
import { isGeneration, pickExpected, reportedStatus, resourceId, sameResource } from './compare.ts';
import { defaultNamespace, loadSuites, type LoadedSuite } from './load.ts';
import { hasLegacyPhase, legacyPhase, stageOf, type Stage } from './order.ts';
import { runChecks, type CheckCandidate } from './checks.ts';
import { backgroundInvalidity } from './invalid.ts';
import type { ExpectedResult, ResourceSpec } from './model.ts';
import { payloadsNamed, payloadResponse } from './payloads.ts';
import { resourceVariables, ruleVariables, type SubresourceDecl } from './values.ts';
import { isObj } from '../../k8s/objects.ts';

export interface Counts { total: number; agree: number; disagree: number; unknown: number }

export interface Failure {
  suite: string;
  policy: string;
  rule: string;
  resource: string;
  expected: string;
  actual: string;
  reason: string;
}

export interface RunReport {
  suites: number;
  results: Counts;
  /** Disagreements and unknowns, one per expected result x resource. */
  failures: Failure[];
  /** Suites that could not be loaded, by path. */
  errors: { suite: string; error: string }[];
  /** Agreements where no rule applied and the entry expected pass or fail: `kyverno test` passes these, but they prove little. */
  excludedAgreements: number;
  byFamily: Record<'legacy' | 'cel' | 'unresolved', Counts>;
  /** The Tests' `checks`, one per matching rule response (apart from `results`). */
  checks: Counts;
  /** Check rows that disagree or stay unknown; `expected` names the check. */
  checkFailures: Failure[];
}

export interface RunOptions {
  evaluate?: PolicyEvaluator;
}

const zero = (): Counts => ({ total: 0, agree: 0, disagree: 0, unknown: 0 });

function meta(o: Record<string, unknown>): { name: string; namespace: string } {
  const m = isObj(o.metadata) ? o.metadata : {};
  return { name: String(m.name ?? ''), namespace: String(m.namespace ?? '') };
}

/**
 * `kyverno test` finds a policy by its name alone: of an entry's ns/name only what follows the
 * last slash is compared, so neither the namespace nor the is*Policy flags filter.
 */
function policyMatchesEntry(p: Record<string, unknown>, entry: ExpectedResult): boolean {
  return meta(p).name === entry.policy.slice(entry.policy.lastIndexOf('/') + 1);
}

function resourceMatches(r: Record<string, unknown>, kind: string, name: string, namespace?: string): boolean {
  if (r.kind !== kind) return false;
  const m = meta(r);
  if (namespace && m.namespace !== namespace) return false;
  return m.name === name || `${m.namespace}/${m.name}` === name;
}

function ruleNameMatches(actual: string, wanted: string): boolean {
  return actual === wanted || actual === `autogen-${wanted}` || actual === `autogen-cronjob-${wanted}` || actual === `autogen-cronjobs-${wanted}`;
}

/** A legacy rule whose match/exclude leaves the resource out: Kyverno's engine gives it no rule response at all. */
function notApplied(policy: Record<string, unknown>, rule: RuleResult): boolean {
  return rule.status === 'skip' && rule.path?.[rule.path.length - 1] === 'match' && familyOf(policy) === 'legacy';
}

/** A resource whose kind the values declare a subresource of (Scale -> deployments/scale) is requested as its parent's subresource. */
function subresourceOf(resource: Record<string, unknown>, decls: SubresourceDecl[]): { subresource: string; parent: SubresourceDecl['parent'] } | undefined {
  const apiVersion = String(resource.apiVersion ?? '');
  const slash = apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  // Like `kyverno test`, the last declaration of the kind wins.
  const d = decls.filter((x) => x.kind === resource.kind && x.group === group && x.version === version).pop();
  if (!d) return undefined;
  return { subresource: d.name.split('/')[1] ?? '', parent: d.parent };
}

/** Per resource: each mutating policy's result in the suite's chain, and the resource after the legacy and after all mutations. */
type Plan = { mutated: Map<number, PolicyResult>; afterLegacy: Record<string, unknown>; afterAll: Record<string, unknown> };

class SuiteRunner {
  private readonly cache = new Map<string, PolicyResult>();
  private readonly plans = new Map<number, Plan>();
  private readonly stages: Stage[];
  /** One clock reading per suite, so its results do not depend on which evaluation ran first. */
  private readonly now = new Date().toISOString();
  constructor(private readonly suite: LoadedSuite, private readonly evaluate: PolicyEvaluator) {
    this.stages = suite.policies.map((p) => stageOf(p, familyOf(p)));
  }

  /** The suite's cluster resources and the clone sources of the entries on this policy. */
  private cloneSourcesFor(policy: Record<string, unknown>): Record<string, unknown>[] {
    const own = this.suite.cloneSources.filter((c) => policyMatchesEntry(policy, { policy: c.policy } as ExpectedResult));
    return own.length ? [...this.suite.clusterResources, ...own.flatMap((c) => c.docs)] : this.suite.clusterResources;
  }

  contextFor(policy: Record<string, unknown>, resource: Record<string, unknown>, extra: Record<string, unknown>): AdmissionContext {
    const { values } = this.suite;
    const m = meta(resource);
    const variables = { ...resourceVariables(values, meta(policy).name, m.name, m.namespace), ...extra };
    const op = String(variables['request.operation'] ?? 'CREATE').toUpperCase();
    const operation: Operation = op === 'UPDATE' || op === 'DELETE' || op === 'CONNECT' ? op : 'CREATE';
    const ns = m.namespace;
    const nsObject = values.namespaces.get(ns);
    const labels = values.namespaceLabels.get(ns) ?? (nsObject && isObj(nsObject.metadata) && isObj(nsObject.metadata.labels) ? nsObject.metadata.labels as Record<string, string> : undefined);
    const context: AdmissionContext = {
      operation,
      variables,
      clusterResources: this.cloneSourcesFor(policy),
      // The suite is all `kyverno test` knows of the cluster; legacy lookups need listed clusterResources.
      suite: { legacyLookups: this.suite.test.clusterResources.length > 0 },
      // `kyverno test` has no cluster: a namespace the values do not describe has no labels.
      namespaceLabels: labels ?? {},
      // `kyverno test`'s clock is the real one.
      now: this.now,
    };
    // Like `kyverno test`, the request's namespace exists: described by the values, or bare.
    if (nsObject) context.namespaceObject = nsObject;
    else if (ns) context.namespaceObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, ...(labels ? { labels } : {}) } };
    // As the API server shapes requests: UPDATE carries the object twice, DELETE only as oldObject.
    if (operation === 'UPDATE' || operation === 'DELETE') context.oldObject = resource;
    if (this.suite.userInfo) context.userInfo = this.suite.userInfo;
    const sub = subresourceOf(resource, values.subresources);
    if (sub) { context.subresource = sub.subresource; context.requestKind = sub.parent; }
    if (this.suite.httpMocks.length > 0) context.httpMocks = this.suite.httpMocks;
    if (Object.keys(this.suite.globalContext).length > 0) context.globalContext = this.suite.globalContext;
    if (this.suite.images.length > 0) context.images = this.suite.images;
    return context;
  }

  /** One policy on one resource, in the order `kyverno test` applies the suite's policies to it. */
  run(pi: number, ri: number): PolicyResult {
    const key = `${pi}:${ri}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const policy = this.suite.policies[pi]!;
    const out = this.ordered(pi, ri) ?? this.evaluatePart(policy, policy, this.suite.resources[ri]!);
    this.cache.set(key, out);
    return out;
  }

  /** What the suite's mutations make of resource ri before each stage sees it. */
  private plan(ri: number): Plan {
    const hit = this.plans.get(ri);
    if (hit) return hit;
    const mutated = new Map<number, PolicyResult>();
    let current = this.suite.resources[ri]!;
    this.suite.policies.forEach((p, j) => {
      if (this.stages[j] !== 'legacy' || !hasLegacyPhase(p, 'mutate')) return;
      const r = this.evaluatePart(p, legacyPhase(p, 'mutate'), current);
      mutated.set(j, r);
      current = r.patched;
    });
    const afterLegacy = current;
    this.suite.policies.forEach((p, j) => {
      if (this.stages[j] !== 'celMutate') return;
      const r = this.evaluatePart(p, p, current);
      mutated.set(j, r);
      current = r.patched;
    });
    const plan = { mutated, afterLegacy, afterAll: current };
    this.plans.set(ri, plan);
    return plan;
  }

  /** Policy pi as it takes part in the suite's order; undefined when nothing else mutates before it. */
  private ordered(pi: number, ri: number): PolicyResult | undefined {
    const policy = this.suite.policies[pi]!;
    const stage = this.stages[pi]!;
    const others = this.suite.policies.some((p, j) => j !== pi && (this.stages[j] === 'celMutate' || (this.stages[j] === 'legacy' && hasLegacyPhase(p, 'mutate'))));
    if (!others || stage === 'asWritten') return undefined;
    const plan = this.plan(ri);
    if (stage === 'celMutate') return plan.mutated.get(pi);
    if (stage === 'celMutated') return this.evaluatePart(policy, policy, plan.afterAll);
    const parts: PolicyResult[] = [];
    const mutation = plan.mutated.get(pi);
    if (mutation) parts.push(mutation);
    if (hasLegacyPhase(policy, 'validate')) parts.push(this.evaluatePart(policy, legacyPhase(policy, 'validate'), plan.afterLegacy));
    if (hasLegacyPhase(policy, 'generate')) parts.push(this.evaluatePart(policy, legacyPhase(policy, 'generate'), plan.afterAll));
    if (parts.length === 0) return undefined;
    return { rules: parts.flatMap((p) => p.rules), patched: mutation ? mutation.patched : plan.afterLegacy };
  }

  /** `doc` (the policy or a part of it) on one resource; rule values, when the values file has them, apply per rule. */
  private evaluatePart(policy: Record<string, unknown>, doc: Record<string, unknown>, resource: Record<string, unknown>): PolicyResult {
    const perRule = ruleVariables(this.suite.values, meta(policy).name);
    const perForeach = this.suite.values.foreachValues.get(meta(policy).name) ?? new Map<string, Record<string, unknown[]>[]>();
    const spec = isObj(doc.spec) ? doc.spec : {};
    if ((perRule.size > 0 || perForeach.size > 0) && familyOf(doc) === 'legacy' && Array.isArray(spec.rules)) {
      const rules: RuleResult[] = [];
      let patched = resource;
      for (const rule of spec.rules) {
        const name = isObj(rule) ? String(rule.name ?? '') : '';
        const single = { ...doc, spec: { ...spec, rules: [rule] } };
        const context = this.contextFor(policy, resource, perRule.get(name) ?? {});
        const foreach = perForeach.get(name);
        // Kyverno's CLI keeps one element index for every foreach block: the blocks' values merge.
        if (foreach) context.foreachValues = Object.assign({}, ...foreach);
        const r = this.evaluate(single, patched, context);
        rules.push(...r.rules);
        patched = r.patched;
      }
      return { rules, patched };
    }
    return this.evaluate(doc, resource, this.contextFor(policy, resource, {}));
  }

  /** Every response a check may select: each policy on each resource, rules Kyverno gives a response. */
  checkCandidates(): CheckCandidate[] {
    return this.suite.policies.flatMap((policy, pi) => this.suite.resources.map((resource, ri) => ({ policy, resource, rules: this.run(pi, ri).rules.filter((r) => !notApplied(policy, r)) })));
  }

  expectedDocs(path: string): Record<string, unknown>[] {
    return loadDocuments(resolveConfined(this.suite.root, this.suite.dir, path)).map(defaultNamespace);
  }
}

type Outcome = { kind: 'agree' | 'disagree' | 'unknown'; actual: string; reason: string; rule: string; excluded?: boolean };

/** A resourceSpec selects by apiVersion, exact namespace and name, as `kyverno test` compares them with its response keys. */
function specMatches(spec: ResourceSpec, r: Record<string, unknown>): boolean {
  const m = isObj(r.metadata) ? r.metadata : {};
  return String(r.apiVersion ?? '') === spec.apiVersion && String(m.namespace ?? '') === spec.namespace && String(m.name ?? '') === spec.name;
}

function judge(runner: SuiteRunner, suite: LoadedSuite, entry: ExpectedResult, resourceName: string, spec?: ResourceSpec): Outcome {
  const policies = suite.policies.map((p, i) => ({ p, i })).filter(({ p }) => policyMatchesEntry(p, entry));
  // An entry naming a payload file (or, naming none, every payload): `kyverno test` keys the policies' responses to a payload by its path.
  const payloads = payloadsNamed(suite.payloads, suite.dir, resourceName);
  if (payloads.length > 0 && policies.length > 0) {
    const pairs = payloads.flatMap((payload) => policies.map(({ p }) => ({ p, payload, response: payloadResponse(p, payload, runner.contextFor(p, payload.value, {})) })));
    return judgeRows(runner, entry, pairs.flatMap(({ p, payload, response }) => response.rules.map((rule) => ({ rule, response, resource: payload.value, policy: p }))), pairs.map((x) => x.response));
  }
  // A policy Kyverno's validation rejects is skipped: each result on it is "Skip / Invalid Policy", not a failure.
  const invalid = policies.length > 0 ? policies.map(({ p }) => (familyOf(p) === 'legacy' ? backgroundInvalidity(p) : undefined)) : [];
  if (invalid.length > 0 && invalid.every((why) => why !== undefined)) return { kind: 'agree', actual: 'skip', rule: entry.rule, reason: `invalid policy: ${invalid[0]}`, excluded: true };
  // `kyverno test` finds resources by name (or namespace/name) alone: the entry's kind does not narrow them.
  const resources = suite.resources.map((r, i) => ({ r, i })).filter(({ r }) => (spec ? specMatches(spec, r) : resourceMatches(r, String(r.kind), resourceName, entry.namespace)));
  if (policies.length > 0 && resources.length === 0 && !spec) {
    const targeted = targetRows(runner, suite, policies, entry, resourceName);
    // A target no rule patched has no response in `kyverno test`: not found.
    const undecided = targeted?.responses.some((r) => r.rules.some((x) => x.status === 'unknown'));
    if (targeted && targeted.rows.length === 0 && !undecided) return { kind: 'disagree', actual: 'not found', rule: entry.rule, reason: `no rule patched ${entry.kind} ${resourceName}` };
    if (targeted) return judgeRows(runner, entry, targeted.rows, targeted.responses);
  }
  if (policies.length === 0 || resources.length === 0) {
    return { kind: 'disagree', actual: 'not found', rule: entry.rule, reason: policies.length === 0 ? `no policy ${entry.policy} in the suite` : `no ${entry.kind} ${resourceName} in the suite` };
  }
  const rows: Row[] = [];
  const responses: PolicyResult[] = [];
  for (const { i: pi, p } of policies) {
    for (const { i: ri, r } of resources) {
      const response = runner.run(pi, ri);
      responses.push(response);
      const wantAll = entry.rule === '' || entry.flags.isValidatingAdmissionPolicy === true || familyOf(p) === 'cel';
      const named = response.rules.filter((rule) => (wantAll || ruleNameMatches(rule.rule, entry.rule)) && !notApplied(p, rule));
      // A rule and its autogen variants never match the same object: Kyverno reports only the one
      // that applied, where an evaluator may also list the others as skipped.
      const decided = named.filter((rule) => rule.status !== 'skip');
      for (const rule of decided.length ? decided : named) rows.push({ rule, response, resource: r, policy: p });
    }
  }
  return judgeRows(runner, entry, rows, responses);
}

/**
 * An entry naming one of the Test's targetResources: `kyverno test` looks for the rule response
 * that patched it (whatever the rule's name), on any trigger, and compares that patched target.
 */
function targetRows(runner: SuiteRunner, suite: LoadedSuite, policies: { p: Record<string, unknown>; i: number }[], entry: ExpectedResult, resourceName: string): { rows: Row[]; responses: PolicyResult[] } | undefined {
  if (!suite.targets.some((t) => resourceMatches(t, entry.kind, resourceName, entry.namespace))) return undefined;
  const rows: Row[] = [];
  const responses: PolicyResult[] = [];
  for (const { i: pi, p } of policies) {
    for (let ri = 0; ri < suite.resources.length; ri++) {
      const response = runner.run(pi, ri);
      responses.push(response);
      for (const rule of response.rules) {
        const patched = (rule.targets ?? []).find((t) => t.status === 'pass' && resourceMatches(t.resource, entry.kind, resourceName, entry.namespace));
        if (patched) rows.push({ rule: { ...rule, status: patched.status, reason: patched.reason }, response: { rules: [], patched: patched.resource }, resource: patched.resource, policy: p });
      }
    }
  }
  return { rows, responses };
}

function judgeRows(runner: SuiteRunner, entry: ExpectedResult, rows: Row[], responses: PolicyResult[]): Outcome {
  if (rows.length === 0) {
    // An undecided rule may be the one the entry names: that is not an exclusion.
    const undecided = responses.flatMap((r) => r.rules).find((r) => r.status === 'unknown');
    if (undecided) return { kind: 'unknown', actual: 'unknown', rule: undecided.rule, reason: undecided.reason };
    // `kyverno test` counts a resource no rule applied to as excluded, which passes.
    return { kind: 'agree', actual: 'excluded', rule: entry.rule, reason: 'no rule applied to the resource', excluded: true };
  }
  const actual = [...new Set(rows.map((x) => x.rule.status))].join(',');
  // A decided row that contradicts the entry settles it; otherwise an undecided row leaves it unknown.
  let compared = 0;
  let notCompared = '';
  for (const row of rows) {
    if (row.rule.status === 'unknown') continue;
    const check = checkRow(runner, entry, row, actual);
    if (check === 'ok') compared++;
    else if ('notCompared' in check) notCompared = check.notCompared;
    else return check;
  }
  const unknown = rows.find((x) => x.rule.status === 'unknown');
  if (unknown) return { kind: 'unknown', actual, rule: unknown.rule.rule, reason: unknown.rule.reason };
  // Rows `kyverno test` leaves out (no document for the resource, nothing generated) prove nothing.
  if (compared === 0 && notCompared) return { kind: 'agree', actual, rule: rows[0]!.rule.rule, reason: notCompared, excluded: true };
  return { kind: 'agree', actual, rule: rows[0]!.rule.rule, reason: '' };
}

type Row = { rule: RuleResult; response: PolicyResult; resource: Record<string, unknown>; policy: Record<string, unknown> };

/**
 * What `kyverno test` checks for one rule response: the patched resource, each generated resource,
 * then the status as a policy report states it. A patchedResources file without a document for
 * the resource, and a generation rule that generated nothing, yield no row in `kyverno test`.
 */
function checkRow(runner: SuiteRunner, entry: ExpectedResult, row: Row, actual: string): Outcome | 'ok' | { notCompared: string } {
  const status = reportedStatus(row.policy, row.rule.status);
  const differs = (what: string, reason: string): Outcome => ({ kind: 'disagree', actual: `${status} (${what} differs)`, rule: row.rule.rule, reason });
  if (entry.patchedResources) {
    const expected = pickExpected(row.response.patched, runner.expectedDocs(entry.patchedResources));
    if (!expected) return { notCompared: 'patchedResources has no document for this resource: kyverno test leaves the entry out' };
    if (!sameResource(row.response.patched, expected)) return differs('patched resource', 'the mutated resource differs from patchedResources');
  }
  if (isGeneration(row.policy, row.rule, entry)) {
    const generated = row.rule.generated ?? [];
    // A generation that fails stops `kyverno test` itself; one that generates nothing is excluded.
    if (generated.length === 0 && status !== 'error') return { notCompared: 'nothing was generated: kyverno test reports the entry as excluded' };
    if (entry.generatedResource) {
      const docs = runner.expectedDocs(entry.generatedResource);
      for (const g of generated) {
        const e = pickExpected(g, docs);
        if (!e) return differs('generated resource', `generatedResource has no document for ${String(g.kind)} ${resourceId(g)}`);
        if (!sameResource(g, e)) return differs('generated resource', `the generated ${String(g.kind)} ${resourceId(g)} differs from generatedResource`);
      }
    }
  } else if (entry.generatedResource) {
    return differs('generated resource', 'the rule is not a generation rule: nothing was generated');
  }
  if (status !== entry.result) return { kind: 'disagree', actual: actual === row.rule.status ? status : actual, rule: row.rule.rule, reason: row.rule.reason };
  return 'ok';
}

export function runSuiteFile(path: string, root: string, report: RunReport, options: RunOptions = {}): void {
  report.suites++;
  let suites: (LoadedSuite | SuiteError)[];
  try {
    suites = loadSuites(path, root);
  } catch (e) {
    report.errors.push({ suite: path, error: e instanceof SuiteError ? e.message : `${path}: ${(e as Error).message}` });
    return;
  }
  for (const suite of suites) {
    if (suite instanceof SuiteError) report.errors.push({ suite: path, error: suite.message });
    else runTestOf(path, suite, report, options);
  }
}

/** One Test of a file: each expected result x each resource it names, then its checks. */
function runTestOf(path: string, suite: LoadedSuite, report: RunReport, options: RunOptions): void {
  const runner = new SuiteRunner(suite, options.evaluate ?? evaluatePolicyDoc);
  for (const entry of suite.test.results) {
    // An entry naming no resource in a suite of payloads is one result over all of them.
    // resourceSpecs add resources only to an entry that names some by `resources` too (kyverno test reads them inside that branch).
    const specs = entry.resources.length > 0 ? (entry.resourceSpecs ?? []).filter((s) => suite.resources.some((r) => specMatches(s, r))) : [];
    const named = entry.resources.length === 0 && suite.payloads.length > 0 ? [''] : entry.resources;
    for (const [resourceName, spec] of [...named.map((n) => [n, undefined] as const), ...specs.map((s) => [s.namespace ? `${s.namespace}/${s.name}` : s.name, s] as const)]) {
      let outcome: Outcome;
      try {
        outcome = judge(runner, suite, entry, resourceName, spec);
      } catch (e) {
        outcome = { kind: 'disagree', actual: 'error', rule: entry.rule, reason: (e as Error).message };
      }
      const fam = suite.policies.find((p) => policyMatchesEntry(p, entry));
      const family = fam ? (familyOf(fam) === 'legacy' ? 'legacy' : 'cel') : 'unresolved';
      for (const c of [report.results, report.byFamily[family]]) { c.total++; c[outcome.kind]++; }
      if (outcome.excluded && entry.result !== 'skip') report.excludedAgreements++;
      if (outcome.kind !== 'agree') {
        report.failures.push({ suite: path, policy: entry.policy, rule: outcome.rule, resource: `${entry.kind}/${resourceName}`, expected: entry.result, actual: outcome.kind === 'unknown' ? 'unknown' : outcome.actual, reason: outcome.reason });
      }
    }
  }
  if (Array.isArray(suite.test.raw.checks)) {
    for (const row of runChecks(suite.test.raw.checks, runner.checkCandidates())) {
      report.checks.total++;
      report.checks[row.kind]++;
      if (row.kind !== 'agree') report.checkFailures.push({ suite: path, policy: row.policy, rule: row.rule, resource: row.resource, expected: `check ${row.check + 1}`, actual: row.actual, reason: row.reason });
    }
  }
}

export function emptyReport(): RunReport {
  return { suites: 0, results: zero(), failures: [], errors: [], excludedAgreements: 0, byFamily: { legacy: zero(), cel: zero(), unresolved: zero() }, checks: zero(), checkFailures: [] };
}

/** Runs every kyverno-test.yaml under the given directories; each directory is the root its suites may read within. */
export function runSuites(dirs: string[], options: RunOptions = {}): RunReport {
  const report = emptyReport();
  for (const dir of dirs) for (const file of findTestFiles(dir)) runSuiteFile(file, dir, report, options);
  return report;
}
