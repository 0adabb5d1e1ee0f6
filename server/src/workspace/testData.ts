// Which files are test data: inputs and expectations of `kyverno test` suites and Chainsaw tests,
// files in their conventional folders, and files matching the configured `testData` globs. A file's
// role depends on other files (the tests naming it), so the index keeps a registry of what every
// test definition names and asks it when a file is indexed.
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { defaultParseLimits, depthExceeds, parseYaml, type ParseLimits, type YamlFile } from '../yaml/parse.ts';
import { compileGlobs } from './glob.ts';
import { markdownCode } from '../escape.ts';
import type { FileId } from '../findings.ts';
import { asObj } from '../k8s/objects.ts';

export type TestTool = 'kyverno-test' | 'chainsaw';

/** One place where a test names a file. */
export interface TestNaming {
  test: FileId;
  testName?: string;
  tool: TestTool;
  /** The field or step operation naming the file: `resources`, `policies`, `apply`, `assert`, … */
  operation: string;
}

interface Reference extends TestNaming {
  /** Absolute path, or an absolute glob when the test names files by pattern (Chainsaw allows it). */
  target: string;
}

/** What indexing needs to know about a file from the tests and the configuration. */
export interface TestDataInfo {
  /** In a `.kyverno-test` or `.chainsaw-test*` folder, or matched by a `testData` glob. */
  byLocation: boolean;
  namedBy: TestNaming[];
}

// `kyverno test` fields naming input files (cli.kyverno.io Test and the older kind-less form).
const KYVERNO_TEST_FIELDS = ['policies', 'resources', 'variables', 'userinfo', 'context', 'exceptions', 'clusterResources', 'paramResources', 'targetResources'];
const KYVERNO_RESULT_FIELDS = ['patchedResources', 'patchedResource', 'generatedResource', 'cloneSourceResource'];
// Chainsaw step operations that take a `file:`; `try`, `catch`, `finally` and `cleanup` hold them.
const CHAINSAW_OPERATIONS = ['apply', 'create', 'assert', 'error', 'patch', 'update', 'delete'];
const CHAINSAW_BLOCKS = ['try', 'catch', 'finally', 'cleanup'];

/** Chainsaw operations after which a file holding a policy is the policy under test (it stays a policy). */
const CHAINSAW_POLICY_OPERATIONS = new Set(['apply', 'create', 'update', 'patch']);
/** Chainsaw compares these files with the cluster as patterns: they are partial objects. */
const ASSERTION_OPERATIONS = new Set(['assert', 'error']);

const TEST_FOLDER = /(^|[\\/])\.(kyverno-test|chainsaw-test[^\\/]*)[\\/]/;
const GLOB_CHARACTERS = /[*?[\]{}]/;
/** A test definition is small; anything bigger is not read for names. */
const MAX_TEST_TEXT = 1024 * 1024;
const TEST_LIMITS: ParseLimits = { maxAliasCount: 100, maxDocuments: 100, maxDepth: 64 };

export function inTestFolder(file: FileId): boolean {
  return TEST_FOLDER.test(file);
}

/** Cheap screen before any parsing: the file names or the API groups tests are written with. */
export function mayDefineTests(file: FileId, text: string): boolean {
  if (text.length > MAX_TEST_TEXT) return false;
  const name = basename(file);
  if (/^(kyverno|chainsaw)-test\.ya?ml$/.test(name)) return true;
  return text.includes('chainsaw.kyverno.io') || (text.includes('cli.kyverno.io') && /\bkind:\s*['"]?Test\b/.test(text));
}

const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * Whether a parse under `limits` gives, through `testValues`, what a parse under TEST_LIMITS gives:
 * the same bounds on aliases, nodes, entries and time, and at least as many documents (only the
 * first TEST_LIMITS.maxDocuments are read) and as deep (deeper documents are dropped here).
 */
function servesTestScan(limits: ParseLimits): boolean {
  const bound = (l: ParseLimits, key: 'maxNodes' | 'maxCollectionItems' | 'maxParseMs' | 'maxDepth') => l[key] ?? defaultParseLimits[key];
  return limits.maxAliasCount === TEST_LIMITS.maxAliasCount && limits.maxDocuments >= TEST_LIMITS.maxDocuments && bound(limits, 'maxDepth')! >= TEST_LIMITS.maxDepth!
    && (['maxNodes', 'maxCollectionItems', 'maxParseMs'] as const).every((key) => bound(limits, key) === bound(TEST_LIMITS, key));
}

/** The documents' values of `parsed` (under limits `servesTestScan` accepts) as a parse under TEST_LIMITS reads them. */
function testValues(parsed: YamlFile): unknown[] {
  return parsed.documents.slice(0, TEST_LIMITS.maxDocuments).map((d) => (d.value !== undefined && depthExceeds(d.value, TEST_LIMITS.maxDepth!) ? undefined : d.value));
}

/**
 * The files a test definition names (none when the text is not one). Never throws. `parsed`: the
 * text parsed under limits `servesTestScan` accepts (the index's), read instead of parsing again.
 */
export function testReferences(file: FileId, text: string, parsed?: YamlFile): Reference[] {
  if (!mayDefineTests(file, text)) return [];
  const dir = dirname(file);
  const refs: Reference[] = [];
  const add = (naming: Omit<TestNaming, 'test'>, path: string) => {
    if (path === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return; // URLs are not workspace files
    refs.push({ ...naming, test: file, target: resolve(dir, path) });
  };
  // Values straight from the token stream where it can (most test files): a workspace holds hundreds of tests.
  let values: unknown[];
  try {
    values = parsed ? testValues(parsed) : parseYaml(text, TEST_LIMITS, () => false).documents.map((d) => d.value);
  } catch {
    return [];
  }
  for (const document of values) {
    const value = asObj(document);
    if (!value) continue;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    const testName = typeof asObj(value.metadata)?.name === 'string' ? (asObj(value.metadata)!.name as string) : typeof value.name === 'string' ? value.name : undefined;
    if (apiVersion.startsWith('chainsaw.kyverno.io/') && value.kind === 'Test') {
      for (const step of Array.isArray(asObj(value.spec)?.steps) ? (asObj(value.spec)!.steps as unknown[]) : []) {
        for (const block of CHAINSAW_BLOCKS) {
          const operations = asObj(step)?.[block];
          if (!Array.isArray(operations)) continue;
          for (const operation of operations) {
            for (const name of CHAINSAW_OPERATIONS) {
              const body = asObj(asObj(operation)?.[name]);
              if (typeof body?.file === 'string') add({ testName, tool: 'chainsaw', operation: name }, body.file);
            }
          }
        }
      }
    } else if (apiVersion.startsWith('cli.kyverno.io/') ? value.kind === 'Test' : value.kind === undefined && Array.isArray(value.policies)) {
      for (const field of KYVERNO_TEST_FIELDS) for (const path of strings(value[field])) add({ testName, tool: 'kyverno-test', operation: field }, path);
      for (const result of Array.isArray(value.results) ? value.results : []) {
        for (const field of KYVERNO_RESULT_FIELDS) for (const path of strings(asObj(result)?.[field])) add({ testName, tool: 'kyverno-test', operation: field }, path);
      }
    }
  }
  return refs;
}

/**
 * Every test definition's references, by target. Tests are few; patterns (Chainsaw globs) are
 * kept in a list and matched against the file asked about.
 */
export class TestDataRegistry {
  private readonly byTest = new Map<FileId, Reference[]>();
  private readonly byTarget = new Map<string, Reference[]>();
  private readonly patterns: { ref: Reference; matches: (file: string) => boolean }[] = [];
  /** The configured `testData` globs, as a predicate on absolute paths (set by whoever knows the roots). */
  inGlobs: (file: FileId) => boolean = () => false;
  /** The text each file was last read from (the index holds the same strings): the same text again names the same files. */
  private readonly scanned = new Map<FileId, string>();
  /** Parses of test definitions under `keepLimits`, until the index takes them (`takeParse`). */
  private readonly kept = new Map<FileId, { text: string; parsed: YamlFile }>();

  /**
   * `keepLimits`: the index's parse limits, when every text is scanned here before it is indexed
   * (the command line): test definitions are parsed once under them, and indexing reuses the parse.
   */
  constructor(private keepLimits?: ParseLimits) {
    if (keepLimits && !servesTestScan(keepLimits)) this.keepLimits = undefined;
  }

  /** The parse of `text` kept by the scan for indexing under `limits`, handed over once. */
  takeParse(file: FileId, text: string, limits: ParseLimits): YamlFile | undefined {
    const kept = this.kept.get(file);
    if (!kept) return undefined;
    this.kept.delete(file);
    return kept.text === text && sameParseLimits(limits, this.keepLimits!) ? kept.parsed : undefined;
  }

  /** Forgets the kept parses (indexing happens elsewhere, on worker threads). */
  dropParses(): void {
    this.kept.clear();
  }

  /**
   * Records (or forgets, with undefined) what one file names. Returns the targets whose namings
   * changed: exact paths, and patterns as predicates.
   */
  setTest(file: FileId, text: string | undefined): { paths: string[]; patterns: ((file: string) => boolean)[] } {
    const before = this.byTest.get(file) ?? [];
    if (text !== undefined && this.scanned.get(file) === text) return { paths: [], patterns: [] };
    if (text === undefined) {
      this.scanned.delete(file);
      this.kept.delete(file);
    }
    const after = text === undefined ? [] : this.references(file, text);
    if (JSON.stringify(before) === JSON.stringify(after)) return { paths: [], patterns: [] };
    for (const ref of before) {
      const list = this.byTarget.get(ref.target);
      if (list) {
        const kept = list.filter((r) => r.test !== file);
        if (kept.length) this.byTarget.set(ref.target, kept);
        else this.byTarget.delete(ref.target);
      }
    }
    for (let i = this.patterns.length - 1; i >= 0; i--) if (this.patterns[i].ref.test === file) this.patterns.splice(i, 1);
    const paths: string[] = [];
    const patterns: ((file: string) => boolean)[] = [];
    for (const ref of after) {
      if (GLOB_CHARACTERS.test(ref.target)) {
        const matches = compileGlobs([ref.target]);
        this.patterns.push({ ref, matches });
      } else {
        const list = this.byTarget.get(ref.target);
        if (list) list.push(ref);
        else this.byTarget.set(ref.target, [ref]);
      }
    }
    for (const ref of [...before, ...after]) {
      if (GLOB_CHARACTERS.test(ref.target)) patterns.push(compileGlobs([ref.target]));
      else paths.push(ref.target);
    }
    if (after.length) this.byTest.set(file, after);
    else this.byTest.delete(file);
    return { paths: [...new Set(paths)], patterns };
  }

  private references(file: FileId, text: string): Reference[] {
    this.kept.delete(file);
    this.scanned.set(file, text);
    if (!mayDefineTests(file, text)) return [];
    if (!this.keepLimits) return testReferences(file, text);
    const parsed = parseYaml(text, this.keepLimits, () => false);
    this.kept.set(file, { text, parsed });
    return testReferences(file, text, parsed);
  }

  lookup(file: FileId): TestDataInfo {
    const namedBy: TestNaming[] = [];
    for (const ref of this.byTarget.get(file) ?? []) namedBy.push(namingOf(ref));
    for (const { ref, matches } of this.patterns) if (matches(file)) namedBy.push(namingOf(ref));
    return { byLocation: inTestFolder(file) || this.inGlobs(file), namedBy };
  }
}

const namingOf = (ref: Reference): TestNaming => ({ test: ref.test, testName: ref.testName, tool: ref.tool, operation: ref.operation });

export type TestDataRole = 'workspace' | 'test-data' | 'test-assertion';

/**
 * The role a file takes from the tests and its location. `holdsPolicy` tells whether the file
 * defines a policy, `definesTest` whether it holds a `kyverno test` or Chainsaw Test. A policy
 * file named in a `kyverno test`'s `policies` stays a policy wherever it lies; one a Chainsaw step
 * applies stays a policy unless it sits among the test's own data (a test folder or glob holds
 * variants of the policy, applied to see Kyverno react to an update, not the policy itself).
 */
export function testDataRole(info: TestDataInfo | undefined, holdsPolicy: boolean, definesTest = false): TestDataRole {
  // The test definition itself is not test data: a mistake in it silently changes what is tested.
  if (!info || definesTest || (!info.byLocation && info.namedBy.length === 0)) return 'workspace';
  if (info.namedBy.length > 0 && info.namedBy.every((n) => n.tool === 'chainsaw' && ASSERTION_OPERATIONS.has(n.operation))) return 'test-assertion';
  if (holdsPolicy && info.namedBy.some((n) => n.tool === 'kyverno-test' && n.operation === 'policies')) return 'workspace';
  if (!info.byLocation && holdsPolicy && info.namedBy.some((n) => n.tool === 'chainsaw' && CHAINSAW_POLICY_OPERATIONS.has(n.operation))) return 'workspace';
  return 'test-data';
}

/** One line per naming test, for the hover at the top of a test-data file. */
export function describeTestData(role: TestDataRole, info: TestDataInfo, relativeName: (file: FileId) => string): string | undefined {
  if (role === 'workspace') return undefined;
  const lines: string[] = [];
  lines.push(role === 'test-assertion'
    ? '**Test assertion** (Chainsaw compares it with the cluster as a pattern): it is partial by design, so it is not validated or analysed.'
    : '**Test data**: its resources are inputs and expectations of tests. Checks of manifests do not report here (`checkTestData: true` in `.kyverno-analyzer.yaml` turns them on); its resources still serve as realistic objects when policies are simulated.');
  const seen = new Set<string>();
  for (const n of info.namedBy) {
    // Test names and paths come from the repository: code spans that no backtick in them can end.
    const line = `- named by ${n.tool === 'chainsaw' ? 'Chainsaw test' : '`kyverno test`'}${n.testName ? ` ${markdownCode(n.testName)}` : ''} (${markdownCode(relativeName(n.test))}, ${markdownCode(n.operation)})`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  }
  if (info.namedBy.length === 0) lines.push('- it lies in a test folder (`.kyverno-test`, `.chainsaw-test*`) or matches a `testData` glob');
  return lines.join('\n');
}

/** The `testData` globs, relative to the workspace root, as a predicate on absolute paths. */
export function testDataGlobs(root: string, globs: readonly string[]): (file: FileId) => boolean {
  if (globs.length === 0) return () => false;
  const matches = compileGlobs(globs);
  return (file) => {
    const rel = relative(root, file);
    return !rel.startsWith('..') && !isAbsolute(rel) && matches(rel.split(sep).join('/'));
  };
}

/**
 * The registry of a workspace whose texts are all at hand (the command line). `limits`: the index's
 * parse limits; the test definitions' parses are kept for it (`takeParse`).
 */
export function registryOf(texts: Iterable<{ path: FileId; text: string }>, root: string, globs: readonly string[], limits?: ParseLimits): TestDataRegistry {
  const registry = new TestDataRegistry(limits);
  registry.inGlobs = testDataGlobs(root, globs);
  for (const { path, text } of texts) registry.setTest(path, text);
  return registry;
}

/** Whether the tests or the location say anything about the file (else its role is plain `workspace`). */
export function isTestRelevant(info: TestDataInfo): boolean {
  return info.byLocation || info.namedBy.length > 0;
}

function sameParseLimits(a: ParseLimits, b: ParseLimits): boolean {
  const keys = ['maxAliasCount', 'maxDocuments', 'maxDepth', 'maxNodes', 'maxCollectionItems', 'maxParseMs'] as const;
  return keys.every((key) => (a[key] ?? defaultParseLimits[key]) === (b[key] ?? defaultParseLimits[key]));
}
